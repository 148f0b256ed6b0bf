import type { EntityManager } from '@mikro-orm/core';
import type { SqlEntityManager } from '@mikro-orm/sql';
import { ConsentSchema, type Consent } from './consent.entity.js';

export type ConsentRow = Omit<Consent, 'id' | 'customer' | 'recordedBy'> & { customer: string | null; recordedBy: number | null; dedupKey: string };

/**
 * One ledger row, inserted unless a row with its dedup key exists (`insert ignore` on MySQL/MariaDB,
 * `on conflict do nothing` on SQLite): one statement, so concurrent deliveries of one event cannot both
 * insert. True when this statement inserted it.
 */
export async function insertConsentOnce(em: EntityManager, row: ConsentRow): Promise<boolean> {
  const result = await (em as SqlEntityManager).createQueryBuilder(ConsentSchema).insert(row).onConflict('dedupKey').ignore().execute('run');
  return result.affectedRows === 1;
}
