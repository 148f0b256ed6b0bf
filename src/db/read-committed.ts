import { IsolationLevel, type EntityManager, type TransactionOptions } from '@mikro-orm/core';
import { SqlitePlatform } from '@mikro-orm/sql';

/**
 * A transaction that sees every commit made before each statement (MariaDB READ COMMITTED: no snapshot from
 * the transaction's start, no gap locks); SQLite's one writer needs nothing.
 */
export function readCommitted(em: Pick<EntityManager, 'getPlatform'>): TransactionOptions {
  return em.getPlatform() instanceof SqlitePlatform ? {} : { isolationLevel: IsolationLevel.READ_COMMITTED };
}
