import type { AbstractSqlConnection } from '@mikro-orm/sql';

/** Statements, round trips and commits a workload sent, counted at the client (bench only). */
export type SqlCounts = { statements: number; byVerb: Record<string, number>; transactions: number; roundTrips: number; commits: number };

export type SqlCounter = { counts(): SqlCounts; reset(): void };

const verbOf = (sql: string) => (/^\s*(\w+)/.exec(sql)?.[1] ?? '?').toUpperCase();
const WRITES = new Set(['INSERT', 'UPDATE', 'DELETE', 'REPLACE']);

/**
 * Wraps a MikroORM connection's execute/begin/commit to count what reaches the server. A transaction's
 * begin costs the round trips of its BEGIN statements (`SET TRANSACTION ISOLATION LEVEL …`, `BEGIN`);
 * a commit (explicit COMMIT, or a write outside a transaction under autocommit) is what forces the
 * redo-log flush with innodb_flush_log_at_trx_commit=1, so `commits` estimates fsyncs (group commit may
 * merge some).
 */
export function countSql(conn: AbstractSqlConnection, beginStatements: number): SqlCounter {
  let c: SqlCounts = fresh();
  const execute = conn.execute.bind(conn);
  const begin = conn.begin.bind(conn);
  const commit = conn.commit.bind(conn);
  conn.execute = ((query: unknown, params?: unknown, method?: unknown, ctx?: unknown, loggerContext?: unknown) => {
    const verb = typeof query === 'string' ? verbOf(query) : 'QUERY';
    c.statements++;
    c.roundTrips++;
    c.byVerb[verb] = (c.byVerb[verb] ?? 0) + 1;
    if (!ctx && WRITES.has(verb)) c.commits++;
    return (execute as (...a: unknown[]) => unknown)(query, params, method, ctx, loggerContext);
  }) as typeof conn.execute;
  conn.begin = ((options?: unknown) => {
    c.transactions++;
    c.roundTrips += beginStatements;
    return (begin as (...a: unknown[]) => unknown)(options);
  }) as typeof conn.begin;
  conn.commit = ((...args: unknown[]) => {
    c.roundTrips++;
    c.commits++;
    return (commit as (...a: unknown[]) => unknown)(...args);
  }) as typeof conn.commit;
  return { counts: () => c, reset: () => void (c = fresh()) };
}

function fresh(): SqlCounts {
  return { statements: 0, byVerb: {}, transactions: 0, roundTrips: 0, commits: 0 };
}

export function perJob(c: SqlCounts, jobs: number): string {
  const verbs = Object.entries(c.byVerb)
    .sort(([, a], [, b]) => b - a)
    .map(([v, n]) => `${v} ${(n / jobs).toFixed(2)}`)
    .join(', ');
  return `${(c.roundTrips / jobs).toFixed(2)} round trips/job (${verbs}; ${(c.transactions / jobs).toFixed(2)} explicit transactions), ${(c.commits / jobs).toFixed(2)} commits/job`;
}
