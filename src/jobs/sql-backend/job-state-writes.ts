import { GroupCommit } from './group-commit.js';
import { TABLE } from './job-row.js';
import type { Row, SqlRunner } from './sql-runner.js';

/** A job's processor-owned state as Agenda saves it (start of a run, touch(), end of a run). */
export type StateWrite = { id: string; name: string; columns: Row };

const missing = (w: StateWrite) =>
  new Error(`job ${w.id} (name: ${w.name}) cannot be updated in the database, maybe it does not exist anymore?`);

/**
 * The writes Agenda makes for every job it runs — the state saves and the DELETE of a finished
 * one-time job — grouped across the jobs running at once (see group-commit.ts): one UPDATE for the
 * batch's rows by primary key, one DELETE … WHERE id IN (…). A batch UPDATE that matches fewer rows than it
 * carries is replayed one job at a time, so only the job that is gone sees the error.
 */
export function jobStateWrites(db: SqlRunner): { save(write: StateWrite): Promise<void>; remove(id: string): Promise<void> } {
  const saves = new GroupCommit<StateWrite>(async (writes) => {
    if (writes.length > 1 && (await db.run(...batchUpdate(writes))) === writes.length) return writes.map(() => undefined);
    const errors: Array<Error | undefined> = [];
    for (const w of writes) errors.push((await db.run(...singleUpdate(w))) === 1 ? undefined : missing(w));
    return errors;
  });
  const removals = new GroupCommit<string>(async (ids) => {
    await db.run(`DELETE FROM ${TABLE} WHERE id IN (${ids.map(() => '?').join(', ')})`, ids);
    return ids.map(() => undefined);
  });
  return { save: (write) => saves.add(write), remove: (id) => removals.add(id) };
}

function singleUpdate(w: StateWrite): [string, unknown[]] {
  const columns = Object.keys(w.columns);
  return [`UPDATE ${TABLE} SET ${columns.map((c) => `${c} = ?`).join(', ')} WHERE id = ? AND name = ?`, [...Object.values(w.columns), w.id, w.name]];
}

/**
 * One UPDATE for many jobs: each column set to `CASE id WHEN ? THEN ? … END`, for the rows
 * `WHERE id IN (…)` — a primary-key lookup, so only these rows are read and locked. Every write carries
 * the same columns (Agenda's state save writes all of them).
 */
function batchUpdate(writes: StateWrite[]): [string, unknown[]] {
  const columns = Object.keys(writes[0]!.columns);
  if (writes.some((w) => Object.keys(w.columns).join() !== columns.join())) throw new Error('state writes in one batch must carry the same columns');
  const whens = `CASE id ${writes.map(() => 'WHEN ? THEN ?').join(' ')} END`;
  const params: unknown[] = [];
  const set = columns.map((c) => {
    for (const w of writes) params.push(w.id, w.columns[c]);
    return `${c} = ${whens}`;
  });
  for (const w of writes) params.push(w.id, w.name);
  params.push(...writes.map((w) => w.id));
  return [`UPDATE ${TABLE} SET ${set.join(', ')} WHERE name = ${whens} AND id IN (${writes.map(() => '?').join(', ')})`, params];
}
