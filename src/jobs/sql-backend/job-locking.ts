import type { JobParameters } from 'agenda';
import { rowToJob, TABLE } from './job-row.js';
import type { SqlRunner } from './sql-runner.js';

export type NextJobQuery = {
  name: string;
  /** Jobs due up to here are taken (Agenda's next scan time). */
  nextScanAt: Date;
  /** A lock older than this has expired: its worker is presumed dead and the job is taken again. */
  lockDeadline: Date;
  lockedAt: Date;
  lastModifiedBy: string | undefined;
};

/** Highest priority first, then the job that has waited longest; the find-and-lock index has this order. */
const NEXT_JOB_ORDER = 'priority DESC, next_run_at ASC';

const DUE = `name = ? AND disabled = 0 AND ((locked_at IS NULL AND next_run_at <= ?) OR locked_at <= ?)`;

/**
 * Finds the next due job of a name and locks it, atomically, so that two workers never both get it.
 * MariaDB: SELECT … FOR UPDATE SKIP LOCKED in a short transaction (a worker skips rows another worker
 * is locking instead of waiting), then the lock is written in the same transaction.
 * SQLite: one UPDATE … WHERE id = (SELECT …) RETURNING *; an UPDATE takes SQLite's single write lock
 * before it reads, so the pick and the lock cannot interleave with another writer.
 */
export async function lockNextJob(db: SqlRunner, q: NextJobQuery): Promise<JobParameters | undefined> {
  const params = [q.name, db.date(q.nextScanAt), db.date(q.lockDeadline)];
  const lock = [db.date(q.lockedAt), q.lastModifiedBy ?? null];
  if (db.dialect === 'sqlite') {
    const rows = await db.rows(
      `UPDATE ${TABLE} SET locked_at = ?, last_modified_by = ?
       WHERE id = (SELECT id FROM ${TABLE} WHERE ${DUE} ORDER BY ${NEXT_JOB_ORDER} LIMIT 1)
       RETURNING *`,
      [...lock, ...params],
    );
    return rows[0] ? rowToJob(rows[0]) : undefined;
  }
  return db.transaction(async (trx) => {
    const [row] = await db.rows(
      `SELECT * FROM ${TABLE} WHERE ${DUE} ORDER BY ${NEXT_JOB_ORDER} LIMIT 1 FOR UPDATE SKIP LOCKED`,
      params,
      trx,
    );
    if (!row) return undefined;
    await db.run(`UPDATE ${TABLE} SET locked_at = ?, last_modified_by = ? WHERE id = ?`, [...lock, row.id], trx);
    return { ...rowToJob(row), lockedAt: q.lockedAt, lastModifiedBy: q.lastModifiedBy };
  });
}

/**
 * MariaDB: finds up to `limit` due jobs of a name and locks them in one transaction (the same
 * SELECT … FOR UPDATE SKIP LOCKED, then one UPDATE … WHERE id IN (…)), so a busy queue pays the
 * transaction's round trips once per batch instead of once per job. Best first.
 */
export async function lockNextJobs(db: SqlRunner, q: NextJobQuery, limit: number): Promise<JobParameters[]> {
  const params = [q.name, db.date(q.nextScanAt), db.date(q.lockDeadline)];
  return db.transaction(async (trx) => {
    const rows = await db.rows(
      `SELECT * FROM ${TABLE} WHERE ${DUE} ORDER BY ${NEXT_JOB_ORDER} LIMIT ${Math.max(1, Math.floor(limit))} FOR UPDATE SKIP LOCKED`,
      params,
      trx,
    );
    if (rows.length === 0) return [];
    const ids = rows.map((row) => row.id);
    await db.run(`UPDATE ${TABLE} SET locked_at = ?, last_modified_by = ? WHERE id IN (${ids.map(() => '?').join(', ')})`, [db.date(q.lockedAt), q.lastModifiedBy ?? null, ...ids], trx);
    return rows.map((row) => ({ ...rowToJob(row), lockedAt: q.lockedAt, lastModifiedBy: q.lastModifiedBy }));
  });
}

/**
 * Locks one known job if it is still unlocked and still due at the time the caller saw
 * (a conditional UPDATE: whoever changes the row first wins, the other matches nothing).
 */
export async function lockKnownJob(
  db: SqlRunner,
  job: JobParameters,
  lockedAt: Date,
  lastModifiedBy: string | undefined,
): Promise<JobParameters | undefined> {
  const dueAt = job.nextRunAt ? 'next_run_at = ?' : 'next_run_at IS NULL';
  const changed = await db.run(
    `UPDATE ${TABLE} SET locked_at = ?, last_modified_by = ?
     WHERE id = ? AND name = ? AND locked_at IS NULL AND disabled = 0 AND ${dueAt}`,
    [db.date(lockedAt), lastModifiedBy ?? null, String(job._id), job.name, ...(job.nextRunAt ? [db.date(job.nextRunAt)] : [])],
  );
  if (changed !== 1) return undefined;
  const [row] = await db.rows(`SELECT * FROM ${TABLE} WHERE id = ?`, [String(job._id)]);
  return row ? rowToJob(row) : undefined;
}
