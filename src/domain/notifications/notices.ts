import type { EntityManager } from '@mikro-orm/core';
import type { Notifier, StaffNotification } from '../ports/notifier.port.js';

/** A notification for one staff member that follows from a state change. */
export type Notice = { staffId: number; notification: StaffNotification };

/**
 * Runs `change` (which writes through `em` and may flush, e.g. to learn a new todo's id) and stores the
 * notices it returns in the outbox in the same database transaction: the state change and its
 * notifications commit together or not at all, so a crash after the commit loses no notification (the
 * `notifications.deliver` job finds the rows after a restart). Inside a caller's transaction the rows
 * join it (the caller's commit decides, and its deliverSoon() or the scheduled job sends them).
 */
export async function commitWithNotices<T>(em: EntityManager, notifier: Notifier | undefined, change: () => Promise<{ result: T; notices: Notice[] }>): Promise<T> {
  const outer = em.isInTransaction();
  if (!outer) await em.begin();
  try {
    const { result, notices } = await change();
    await em.flush();
    for (const n of notices) await notifier?.notifyStaff(n.staffId, n.notification, { em });
    if (outer) await em.flush();
    else await em.commit();
    if (!outer && notices.length > 0) notifier?.deliverSoon?.();
    return result;
  } catch (err) {
    if (!outer) await em.rollback();
    throw err;
  }
}
