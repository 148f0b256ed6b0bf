import { createHash } from 'node:crypto';
import { toJobId, type JobParameters } from 'agenda';
import type { Row, SqlRunner } from './sql-runner.js';

export const TABLE = 'agenda_jobs';

/** Reads a stored date back: epoch ms (SQLite), `YYYY-MM-DD HH:MM:SS.mmm` UTC text (MariaDB) or a Date. */
export function readDate(value: unknown): Date | undefined {
  if (value === null || value === undefined) return undefined;
  if (value instanceof Date) return value;
  if (typeof value === 'number' || typeof value === 'bigint') return new Date(Number(value));
  const text = String(value);
  if (/^\d+$/.test(text)) return new Date(Number(text));
  return new Date(text.includes('T') ? text : `${text.replace(' ', 'T')}Z`);
}

function readJson(value: unknown): unknown {
  if (value === null || value === undefined) return undefined;
  return typeof value === 'string' ? JSON.parse(value) : value;
}

const optional = <T>(value: T | null | undefined): T | undefined => value ?? undefined;

/** One agenda_jobs row as Agenda's JobParameters. */
export function rowToJob(row: Row): JobParameters {
  const interval = row.repeat_interval as string | null;
  const data = readJson(row.data);
  const job: JobParameters = {
    _id: toJobId(String(row.id)),
    name: String(row.name),
    priority: Number(row.priority),
    nextRunAt: readDate(row.next_run_at) ?? null,
    type: row.type === 'single' ? 'single' : 'normal',
    lockedAt: readDate(row.locked_at),
    lastFinishedAt: readDate(row.last_finished_at),
    failedAt: readDate(row.failed_at),
    failCount: row.fail_count === null ? undefined : Number(row.fail_count),
    failReason: optional(row.fail_reason as string | null),
    repeatTimezone: optional(row.repeat_timezone as string | null),
    lastRunAt: readDate(row.last_run_at),
    // Agenda accepts numeric strings as ms, but give back a number when one was stored.
    repeatInterval: interval !== null && /^\d+$/.test(interval) ? Number(interval) : optional(interval),
    repeatAt: optional(row.repeat_at as string | null),
    data: data === undefined ? {} : data,
    disabled: Boolean(Number(row.disabled)),
    progress: row.progress === null ? undefined : Number(row.progress),
    fork: Boolean(Number(row.fork)),
    lastModifiedBy: optional(row.last_modified_by as string | null),
    debounceStartedAt: readDate(row.debounce_started_at),
    startDate: readDate(row.start_date),
    endDate: readDate(row.end_date),
    skipDays: readJson(row.skip_days) as number[] | undefined,
  };
  const unique = readJson(row.unique_query) as Record<string, unknown> | undefined;
  if (unique) job.unique = unique;
  return job;
}

/** Fields user code owns (Job.save()); written on insert and on update by id. */
export function definitionColumns(db: SqlRunner, job: JobParameters, lastModifiedBy: string | undefined): Row {
  return {
    name: job.name,
    priority: job.priority ?? 0,
    next_run_at: db.date(job.nextRunAt),
    type: job.type === 'single' ? 'single' : 'normal',
    repeat_timezone: job.repeatTimezone ?? null,
    repeat_interval: job.repeatInterval === undefined || job.repeatInterval === null ? null : String(job.repeatInterval),
    repeat_at: job.repeatAt ?? null,
    data: JSON.stringify(job.data ?? {}),
    disabled: job.disabled ? 1 : 0,
    fork: job.fork ? 1 : 0,
    start_date: db.date(job.startDate),
    end_date: db.date(job.endDate),
    skip_days: job.skipDays ? JSON.stringify(job.skipDays) : null,
    last_modified_by: lastModifiedBy ?? null,
  };
}

const PROCESSOR_FIELDS = {
  lockedAt: 'locked_at',
  lastRunAt: 'last_run_at',
  lastFinishedAt: 'last_finished_at',
  failedAt: 'failed_at',
  failCount: 'fail_count',
  failReason: 'fail_reason',
  progress: 'progress',
} as const satisfies Partial<Record<keyof JobParameters, string>>;

/**
 * Fields the job processor owns. `onlyPresent` keeps the ones the caller left out of the object
 * untouched (Job.save() strips them so it cannot race the processor).
 */
export function processorColumns(db: SqlRunner, job: JobParameters, onlyPresent: boolean): Row {
  const out: Row = {};
  for (const [key, column] of Object.entries(PROCESSOR_FIELDS)) {
    if (onlyPresent && !(key in job)) continue;
    const value = job[key as keyof typeof PROCESSOR_FIELDS];
    out[column] = value instanceof Date ? db.date(value) : (value ?? null);
  }
  return out;
}

/** Stable digest of Agenda's `unique` query for one job name: the row's unique_key. */
export function uniqueKey(name: string, unique: Record<string, unknown>): string {
  const entries = Object.keys(unique)
    .sort()
    .map((k) => [k, unique[k]]);
  return createHash('sha256').update(JSON.stringify([name, entries])).digest('hex');
}

/** `INSERT INTO agenda_jobs (cols) VALUES (?, …)` with its parameters. */
export function insertSql(columns: Row): { sql: string; params: unknown[] } {
  const names = Object.keys(columns);
  return {
    sql: `INSERT INTO ${TABLE} (${names.join(', ')}) VALUES (${names.map(() => '?').join(', ')})`,
    params: Object.values(columns),
  };
}

/** `col = ?, …` with its parameters, for an UPDATE. */
export function assignments(columns: Row): { sql: string; params: unknown[] } {
  return { sql: Object.keys(columns).map((c) => `${c} = ?`).join(', '), params: Object.values(columns) };
}
