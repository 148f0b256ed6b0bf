import { DeadlockException, LockWaitTimeoutException, UniqueConstraintViolationException, type EntityManager } from '@mikro-orm/core';
import { SwitchEventReceiptSchema } from '../domain/calls/switch-event-receipt.entity.js';

/** How often a claim that lost a deadlock (several processes waiting on a claim that rolled back) is tried again. */
const CLAIM_ATTEMPTS = 5;

class HandledElsewhere extends Error {}

/**
 * Thrown by the work when the event's subject is not there (a hangup of a call not stored yet): no
 * receipt is left, so the process storing the call can still handle the event.
 */
export class NothingToHandle extends Error {}

/**
 * Runs `work` for the switch event `key` once across every process connected to the switch: in one
 * database transaction, first the receipt row (primary key = the event's key), then the work's writes.
 * A second process inserting the same key waits on the first one's row lock: when that commits it gets
 * a duplicate key and skips the event (`ran: false`); when it rolls back — the work failed, or the
 * process died and the server dropped its connection — the receipt is gone and the waiting process
 * handles the event itself. So no receipt outlives effects that were never written, and no event is
 * handled twice. Only the work's writes through `em` belong inside (notifications too: the outbox with
 * `{ em }`); jobs and anything else that uses its own connection come after the commit — on SQLite the
 * one connection is held by the transaction until then.
 */
export async function handleOnce<T>(fork: () => EntityManager, key: string, handledBy: string, work: (em: EntityManager) => Promise<T>): Promise<{ ran: true; value: T } | { ran: false }> {
  for (let attempt = 1; ; attempt++) {
    try {
      const value = await fork().transactional(async (em) => {
        try {
          await em.insert(SwitchEventReceiptSchema, { eventKey: key.slice(0, 128), handledBy: handledBy.slice(0, 128), handledAt: new Date() });
        } catch (err) {
          if (err instanceof UniqueConstraintViolationException) throw new HandledElsewhere(key);
          throw err;
        }
        return work(em);
      });
      return { ran: true, value };
    } catch (err) {
      if (err instanceof HandledElsewhere || err instanceof NothingToHandle) return { ran: false };
      if ((err instanceof DeadlockException || err instanceof LockWaitTimeoutException) && attempt < CLAIM_ATTEMPTS) continue;
      throw err;
    }
  }
}
