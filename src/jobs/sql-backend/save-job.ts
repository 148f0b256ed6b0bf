import { randomUUID } from 'node:crypto';
import type { DebounceOptions, JobParameters } from 'agenda';
import {
  assignments,
  definitionColumns,
  insertSql,
  processorColumns,
  readDate,
  rowToJob,
  TABLE,
  uniqueKey,
} from './job-row.js';
import type { Row, SqlRunner } from './sql-runner.js';

/**
 * Agenda's saveJob: update by id; upsert a 'single' job (every()) by name; upsert a job with a
 * `unique` query by the digest of that query (insertOnly and debounce as Agenda defines them);
 * otherwise insert. Ids are UUIDs made here, so an insert needs no read-back of a generated key.
 */
export async function saveJob<DATA>(db: SqlRunner, job: JobParameters<DATA>, by: string | undefined): Promise<JobParameters<DATA>> {
  const params = job as JobParameters;
  if (job._id) return updateById(db, params, by) as Promise<JobParameters<DATA>>;
  if (job.type === 'single') return upsertSingle(db, params, by) as Promise<JobParameters<DATA>>;
  if (job.unique) return upsertUnique(db, params, job.unique, by) as Promise<JobParameters<DATA>>;
  const id = randomUUID();
  const insert = insertSql({ id, ...definitionColumns(db, params, by), ...processorColumns(db, params, true) });
  await db.run(insert.sql, insert.params);
  // Another worker may have claimed, run and deleted the job already (a fast one-time job): then it is as saved.
  return ((await byId(db, id)) ?? { ...params, _id: id, lastModifiedBy: by }) as JobParameters<DATA>;
}

async function byId(db: SqlRunner, id: string): Promise<JobParameters | undefined> {
  const [row] = await db.rows(`SELECT * FROM ${TABLE} WHERE id = ?`, [id]);
  return row ? rowToJob(row) : undefined;
}

async function updateById(db: SqlRunner, job: JobParameters, by: string | undefined): Promise<JobParameters> {
  const set = assignments({ ...definitionColumns(db, job, by), ...processorColumns(db, job, true) });
  await db.run(`UPDATE ${TABLE} SET ${set.sql} WHERE id = ? AND name = ?`, [...set.params, String(job._id), job.name]);
  // A job removed meanwhile comes back as it was given, as Agenda's Mongo backend does.
  return (await byId(db, String(job._id))) ?? job;
}

/** One row per name for every(): a re-registration updates the schedule but keeps a due nextRunAt. */
async function upsertSingle(db: SqlRunner, job: JobParameters, by: string | undefined): Promise<JobParameters> {
  const columns: Row = { id: randomUUID(), ...definitionColumns(db, job, by), single_key: job.name };
  const insert = insertSql(columns);
  const keepDue = job.nextRunAt !== null && job.nextRunAt <= new Date();
  const updated = ['priority', 'repeat_timezone', 'repeat_interval', 'repeat_at', 'data', 'disabled', 'fork', 'start_date', 'end_date', 'skip_days', 'last_modified_by'];
  const incoming = (c: string) => (db.dialect === 'sqlite' ? `excluded.${c}` : `VALUES(${c})`);
  const set = [
    ...updated.map((c) => `${c} = ${incoming(c)}`),
    `next_run_at = ${keepDue ? `COALESCE(${TABLE}.next_run_at, ${incoming('next_run_at')})` : incoming('next_run_at')}`,
  ].join(', ');
  const conflict = db.dialect === 'sqlite' ? 'ON CONFLICT (single_key) DO UPDATE SET' : 'ON DUPLICATE KEY UPDATE';
  await db.run(`${insert.sql} ${conflict} ${set}`, insert.params);
  const [row] = await db.rows(`SELECT * FROM ${TABLE} WHERE single_key = ?`, [job.name]);
  if (!row) throw new Error(`single job ${job.name} vanished right after its upsert`);
  return rowToJob(row);
}

/**
 * Insert-if-absent on the unique_key index decides atomically which save creates the job; a save
 * that finds one already there then applies insertOnly / debounce / plain update to it.
 */
async function upsertUnique(
  db: SqlRunner,
  job: JobParameters,
  unique: Record<string, unknown>,
  by: string | undefined,
): Promise<JobParameters> {
  const key = uniqueKey(job.name, unique);
  const debounce = job.uniqueOpts?.debounce;
  const now = new Date();
  const id = randomUUID();
  const first = debounce ? debounceFirst(job, debounce, now) : { nextRunAt: job.nextRunAt, startedAt: undefined };
  const columns: Row = {
    id,
    ...definitionColumns(db, { ...job, nextRunAt: first.nextRunAt }, by),
    unique_key: key,
    unique_query: JSON.stringify(unique),
    debounce_started_at: db.date(first.startedAt),
  };
  const insert = insertSql(columns);
  const ignore = db.dialect === 'sqlite' ? 'ON CONFLICT (unique_key) DO NOTHING' : 'ON DUPLICATE KEY UPDATE id = id';
  await db.run(`${insert.sql} ${ignore}`, insert.params);
  const [existing] = await db.rows(`SELECT * FROM ${TABLE} WHERE unique_key = ?`, [key]);
  if (!existing) throw new Error(`unique job ${job.name} vanished right after its insert`);
  if (existing.id === id) return rowToJob(existing);
  if (job.uniqueOpts?.insertOnly && !debounce) return rowToJob(existing);

  const next = debounce ? debounceAgain(job, debounce, existing, now) : { nextRunAt: job.nextRunAt, startedAt: undefined };
  const set = assignments({
    ...definitionColumns(db, { ...job, nextRunAt: next.nextRunAt }, by),
    unique_query: JSON.stringify(unique),
    debounce_started_at: db.date(next.startedAt),
  });
  await db.run(`UPDATE ${TABLE} SET ${set.sql} WHERE id = ?`, [...set.params, existing.id]);
  return (await byId(db, String(existing.id))) ?? rowToJob(existing);
}

type DebounceStep = { nextRunAt: Date | null; startedAt: Date | undefined };

/** First save of a debounced job: leading runs now, trailing waits out the delay. */
function debounceFirst(job: JobParameters, debounce: DebounceOptions, now: Date): DebounceStep {
  if (debounce.strategy === 'leading') return { nextRunAt: job.nextRunAt, startedAt: now };
  return { nextRunAt: new Date(now.getTime() + debounce.delay), startedAt: now };
}

/** A later save inside the window: leading keeps its time, trailing moves it out (until maxWait). */
function debounceAgain(job: JobParameters, debounce: DebounceOptions, existing: Row, now: Date): DebounceStep {
  const startedAt = readDate(existing.debounce_started_at) ?? now;
  if (debounce.strategy === 'leading') return { nextRunAt: readDate(existing.next_run_at) ?? null, startedAt };
  if (debounce.maxWait && now.getTime() - startedAt.getTime() >= debounce.maxWait) {
    return { nextRunAt: now, startedAt: undefined };
  }
  return { nextRunAt: new Date(now.getTime() + debounce.delay), startedAt };
}
