import type { EntityManager } from '@mikro-orm/core';
import type { Notifier, NotifyResult, StaffNotification } from '../ports/notifier.port.js';

/**
 * A notification for one staff member that follows from a state change; `ref` names what its outcome
 * belongs to (stored on the outbox row, so that domain can follow whether it was sent or failed).
 */
export type Notice = { staffId: number; notification: StaffNotification; ref?: string };

/**
 * The notices of one transaction. With the outbox (`joinsTransactions`) each is written in the
 * transaction, so it commits with the state change or not at all and a crash after the commit loses
 * none (the `notifications.deliver` job finds the rows after a restart). A transport that sends at once
 * (tests, the CLI) cannot join a transaction: its notices are sent after the commit. `afterCommit()`
 * sends those, nudges the deliverer, and says whether every notice was queued or sent. `add` answers the
 * outbox's result, or null for a notice that waits for the commit (its outcome is known only then).
 */
export function transactionNotices(notifier: Notifier | undefined) {
  const later: Notice[] = [];
  let ok = true;
  let any = false;
  return {
    async add(tx: EntityManager, notice: Notice): Promise<NotifyResult | null> {
      if (!notifier) return null;
      any = true;
      if (!notifier.joinsTransactions) {
        later.push(notice);
        return null;
      }
      const result = await notifier.notifyStaff(notice.staffId, notice.notification, { em: tx, ref: notice.ref });
      ok = result.ok && ok;
      return result;
    },
    async afterCommit(): Promise<boolean> {
      if (!notifier || !any) return false;
      for (const n of later.splice(0)) ok = (await notifier.notifyStaff(n.staffId, n.notification)).ok && ok;
      notifier.deliverSoon?.();
      return ok;
    },
  };
}

export type TransactionNotices = ReturnType<typeof transactionNotices>;

/**
 * Runs `change` (which writes through `em` and may flush, e.g. to learn a new todo's id) and the notices
 * it returns as one transaction (see transactionNotices). Inside a caller's transaction the rows join it:
 * the caller's commit decides, and its deliverSoon() or the scheduled job sends them.
 */
export async function commitWithNotices<T>(em: EntityManager, notifier: Notifier | undefined, change: () => Promise<{ result: T; notices: Notice[] }>): Promise<T> {
  return (await commitNotifying(em, notifier, change)).result;
}

/**
 * commitWithNotices, also saying whether every notice was queued (outbox) or sent (a transport that sends
 * at once, after the commit): `notified` is false when one failed, or when there was none.
 */
export async function commitNotifying<T>(em: EntityManager, notifier: Notifier | undefined, change: () => Promise<{ result: T; notices: Notice[] }>): Promise<{ result: T; notified: boolean }> {
  const outer = em.isInTransaction();
  const notices = transactionNotices(notifier);
  if (!outer) await em.begin();
  let result: T;
  try {
    const changed = await change();
    result = changed.result;
    await em.flush();
    for (const n of changed.notices) await notices.add(em, n);
    if (outer) await em.flush();
    else await em.commit();
  } catch (err) {
    if (!outer) await em.rollback();
    throw err;
  }
  return { result, notified: await notices.afterCommit() };
}
