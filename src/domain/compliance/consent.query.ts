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

/**
 * Many ledger rows at once (the bulk doors, e.g. an import): the dedup keys already stored are read in one
 * statement, the others inserted in one multi-row `insert ignore` / `on conflict do nothing` (a row another
 * transaction stored meanwhile is skipped by the key). Returns the keys this call added (a key twice in
 * `rows` is added once).
 */
export async function insertConsentsOnce(em: EntityManager, rows: readonly ConsentRow[]): Promise<Set<string>> {
  const added = new Set<string>();
  if (rows.length === 0) return added;
  const keys = [...new Set(rows.map((r) => r.dedupKey))];
  const stored = new Set((await em.find(ConsentSchema, { dedupKey: { $in: keys } }, { fields: ['dedupKey'], disableIdentityMap: true })).map((c) => c.dedupKey));
  const fresh: ConsentRow[] = [];
  for (const row of rows) {
    if (stored.has(row.dedupKey) || added.has(row.dedupKey)) continue;
    added.add(row.dedupKey);
    fresh.push(row);
  }
  if (fresh.length) await (em as SqlEntityManager).createQueryBuilder(ConsentSchema).insert(fresh as never).onConflict('dedupKey').ignore().execute('run');
  return added;
}
