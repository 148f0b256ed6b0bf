import type { EntityManager, EventSubscriber, FlushEventArgs, TransactionEventArgs } from '@mikro-orm/core';
import { StaffStatusSchema } from '../sales-status/staff-status.entity.js';
import type { BoardPulse } from './board-pulse.js';

/**
 * Tells the board when a staff status is written, through whichever door (API, mini-program, chat): an
 * ORM subscriber on the unit of work, so no door has to remember. Inside a transaction it waits for the
 * commit (a board reading earlier would see the old status).
 */
export function staffStatusWatcher(pulse: BoardPulse): EventSubscriber {
  const waitingForCommit = new WeakSet<EntityManager>();
  return {
    afterFlush(args: FlushEventArgs) {
      const touched = args.uow.getChangeSets().some((cs) => cs.meta.className === StaffStatusSchema.name);
      if (!touched) return;
      if (args.em.isInTransaction()) waitingForCommit.add(args.em);
      else pulse.changed('staff');
    },
    afterTransactionCommit(args: TransactionEventArgs) {
      if (!waitingForCommit.has(args.em)) return;
      waitingForCommit.delete(args.em);
      pulse.changed('staff');
    },
  };
}
