import type { JobsQueryOptions, JobsSort, JobState, RemoveJobsOptions } from 'agenda';
import type { SqlDialect, SqlRunner } from './sql-runner.js';

/** A WHERE fragment and its parameters. */
export type Where = { sql: string; params: unknown[] };

const placeholders = (n: number) => Array.from({ length: n }, () => '?').join(', ');

/**
 * Agenda's computeJobState() as SQL, so a state filter and its count run in the database.
 * Keep in step with computeJobState (agenda/dist/types/JobQuery.js).
 */
export function stateSql(db: SqlRunner, now: Date): Where {
  const at = db.date(now);
  return {
    sql: `CASE
      WHEN locked_at IS NOT NULL THEN 'running'
      WHEN failed_at IS NOT NULL AND (last_finished_at IS NULL OR failed_at >= last_finished_at) THEN 'failed'
      WHEN repeat_interval IS NOT NULL AND repeat_interval <> '' THEN 'repeating'
      WHEN next_run_at > ? THEN 'scheduled'
      WHEN next_run_at <= ? THEN 'queued'
      ELSE 'completed' END`,
    params: [at, at],
  };
}

/**
 * Matches jobs whose data has these top-level scalar values (`{ callTaskId: 7 }`).
 * Nested objects and arrays are refused rather than compared loosely.
 */
export function dataWhere(dialect: SqlDialect, data: unknown): Where {
  if (typeof data !== 'object' || data === null || Array.isArray(data)) {
    throw new Error('job data filter must be an object of top-level fields');
  }
  const parts: string[] = [];
  const params: unknown[] = [];
  for (const [key, value] of Object.entries(data)) {
    const path = `$."${key.replace(/["\\]/g, '')}"`;
    if (value === null) {
      parts.push(dialect === 'sqlite' ? `json_type(data, ?) = 'null'` : `JSON_TYPE(JSON_EXTRACT(data, ?)) = 'NULL'`);
      params.push(path);
    } else if (typeof value === 'boolean') {
      parts.push(dialect === 'sqlite' ? `json_extract(data, ?) = ?` : `JSON_VALUE(data, ?) = ?`);
      params.push(path, dialect === 'sqlite' ? (value ? 1 : 0) : String(value));
    } else if (typeof value === 'string' || typeof value === 'number') {
      parts.push(dialect === 'sqlite' ? `json_extract(data, ?) = ?` : `JSON_VALUE(data, ?) = ?`);
      params.push(path, value);
    } else {
      throw new Error(`job data filter on "${key}": only strings, numbers, booleans and null are supported`);
    }
  }
  return { sql: parts.length > 0 ? parts.join(' AND ') : '1 = 1', params };
}

/** The jobs RemoveJobsOptions selects (cancel, disable, enable); null when it selects nothing. */
export function selectionWhere(dialect: SqlDialect, options: RemoveJobsOptions): Where | null {
  const parts: string[] = [];
  const params: unknown[] = [];
  const ids = options.id !== undefined ? [options.id] : options.ids;
  if (ids) {
    if (ids.length === 0) return null;
    parts.push(`id IN (${placeholders(ids.length)})`);
    params.push(...ids.map(String));
  }
  if (options.name !== undefined) {
    parts.push('name = ?');
    params.push(options.name);
  } else if (options.names) {
    if (options.names.length === 0) return null;
    parts.push(`name IN (${placeholders(options.names.length)})`);
    params.push(...options.names);
  } else if (options.notNames && options.notNames.length > 0) {
    parts.push(`name NOT IN (${placeholders(options.notNames.length)})`);
    params.push(...options.notNames);
  }
  if (options.data !== undefined) {
    const data = dataWhere(dialect, options.data);
    parts.push(data.sql);
    params.push(...data.params);
  }
  return parts.length > 0 ? { sql: parts.join(' AND '), params } : null;
}

/** WHERE for queryJobs (every filter but pagination), with the state computed in SQL. */
export function queryWhere(db: SqlRunner, options: JobsQueryOptions, now: Date): Where {
  const parts: string[] = [];
  const params: unknown[] = [];
  const add = (where: Where) => {
    parts.push(where.sql);
    params.push(...where.params);
  };
  if (options.name) add({ sql: 'name = ?', params: [options.name] });
  else if (options.names?.length) add({ sql: `name IN (${placeholders(options.names.length)})`, params: options.names });
  if (options.id) add({ sql: 'id = ?', params: [options.id] });
  else if (options.ids?.length) add({ sql: `id IN (${placeholders(options.ids.length)})`, params: options.ids });
  if (options.search) add({ sql: `name LIKE ? ESCAPE '!'`, params: [`%${options.search.replace(/[!%_]/g, '!$&')}%`] });
  if (options.data !== undefined) add(dataWhere(db.dialect, options.data));
  if (options.includeDisabled === false) add({ sql: 'disabled = 0', params: [] });
  if (options.state) add(stateWhere(db, options.state, now));
  return { sql: parts.length > 0 ? parts.join(' AND ') : '1 = 1', params };
}

function stateWhere(db: SqlRunner, state: JobState, now: Date): Where {
  if (state === 'paused') return { sql: 'disabled = 1', params: [] };
  const computed = stateSql(db, now);
  return { sql: `(${computed.sql}) = ?`, params: [...computed.params, state] };
}

const SORT_COLUMNS: Record<keyof JobsSort, string> = {
  nextRunAt: 'next_run_at',
  lastRunAt: 'last_run_at',
  lastFinishedAt: 'last_finished_at',
  priority: 'priority',
  name: 'name',
  data: 'data',
};

/** ORDER BY for queryJobs; NULL dates sort last either way (neither MariaDB nor old SQLite has NULLS LAST). */
export function orderBy(sort: JobsSort | undefined): string {
  const entries = Object.entries(sort ?? {}).filter(([, dir]) => dir === 'asc' || dir === 'desc');
  const chosen = entries.length > 0 ? entries : [['nextRunAt', 'desc'], ['lastRunAt', 'desc']];
  const parts = chosen.map(([key, dir]) => {
    const column = SORT_COLUMNS[key as keyof JobsSort];
    return `${column} IS NULL, ${column} ${dir === 'asc' ? 'ASC' : 'DESC'}`;
  });
  return `${parts.join(', ')}, id`;
}
