import type { EntityManager } from '@mikro-orm/core';
import type { Notifier, NotifyResult, StaffNotification } from '../ports/notifier.port.js';
import { NotificationOutboxSchema } from './notification-outbox.entity.js';
import { outboxRow } from './notification-outbox.queries.js';

/**
 * The application's Notifier: each notification becomes a row of `notification_outbox` and the caller
 * goes on at once (no chat API, no per-member pacing inside a request or a call flow). `wake` nudges this
 * process's deliverer after a row is committed; the scheduled job finds it otherwise.
 */
export function createOutboxNotifier(deps: { fork(): EntityManager; wake(): void; now?: () => Date }): Notifier {
  const now = deps.now ?? (() => new Date());
  return {
    async notifyStaff(staffId: number, notification: StaffNotification, options?: { em?: EntityManager; ref?: string }): Promise<NotifyResult> {
      const row = outboxRow(staffId, notification, now(), options?.ref ?? null);
      if (options?.em) {
        // Written by the caller's flush / transaction, together with its decision.
        options.em.create(NotificationOutboxSchema, row);
        return { ok: true, transport: 'outbox' };
      }
      try {
        await deps.fork().insert(NotificationOutboxSchema, row);
      } catch (err) {
        // The database refused the row: the caller hears it as a failed notification, as from a transport.
        return { ok: false, reason: `outbox: ${(err as Error).message}`.slice(0, 300), retryable: true };
      }
      deps.wake();
      return { ok: true, transport: 'outbox' };
    },
    deliverSoon: () => deps.wake(),
    joinsTransactions: true,
  };
}
