import { randomBytes } from 'node:crypto';
import { createRequire } from 'node:module';
import { PgBoss } from 'pg-boss';

export const PG_SERVER = process.env.PG_BENCH_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
export const PG_BOSS_VERSION = (createRequire(import.meta.url)('pg-boss/package.json') as { version: string }).version;

export type PeerVariant = {
  label: string;
  /** Workers (pg-boss localConcurrency) × jobs per fetch (batchSize) = jobs in flight. */
  localConcurrency: number;
  batchSize: number;
};

export type PeerResult = { variant: PeerVariant; jobs: number; insertMs: number; runMs: number; perSecond: number; statements: number; statementsByKind: Record<string, number> };

/** The statement's effect: the first write verb anywhere (pg-boss wraps them in CTEs), else SELECT. */
const kindOf = (sql: string) => (/\b(INSERT|UPDATE|DELETE)\b/i.exec(sql)?.[1] ?? (/^\s*(\w+)/.exec(sql)?.[1] ?? '?')).toUpperCase();

/**
 * The same workload on pg-boss against the local PostgreSQL server, in a temporary schema dropped
 * afterwards: N no-op jobs inserted (50 sends at a time, as the Agenda run inserts), then drained with
 * `work()` at the same number of jobs in flight. The clock runs from `work()` until the last handler
 * returned and pg-boss settled it. The pool gets 20 connections (the MariaDB pool's size).
 */
export async function runPgBoss(jobs: number, variant: PeerVariant): Promise<PeerResult> {
  const schema = `salesops_bench_${randomBytes(4).toString('hex')}`;
  // Its queue statistics refreshed every second (not 60 s), so burstWhenReadyExceeds sees the backlog at once.
  const boss = new PgBoss({ connectionString: PG_SERVER, schema, max: 20, supervise: true, monitorIntervalSeconds: 1, superviseIntervalSeconds: 1, queueCacheIntervalSeconds: 1 });
  boss.on('error', (err) => console.error('  pg-boss error:', err.message));
  try {
    await boss.start();
    const queue = 'noop';
    await boss.createQueue(queue);
    const insertStart = performance.now();
    for (let i = 0; i < jobs; i += 50) {
      const sends: Promise<unknown>[] = [];
      for (let seq = i; seq < Math.min(i + 50, jobs); seq++) sends.push(boss.send(queue, { seq }));
      await Promise.all(sends);
    }
    const insertMs = performance.now() - insertStart;

    const db = boss.getDb();
    const execute = db.executeSql.bind(db);
    let statements = 0;
    const statementsByKind: Record<string, number> = {};
    db.executeSql = ((text: string, values?: unknown[], options?: unknown) => {
      statements++;
      const kind = kindOf(text);
      statementsByKind[kind] = (statementsByKind[kind] ?? 0) + 1;
      return (execute as (...a: unknown[]) => Promise<{ rows: unknown[] }>)(text, values, options);
    }) as typeof db.executeSql;

    let done = 0;
    let resolveDone!: () => void;
    const finished = new Promise<void>((resolve) => (resolveDone = resolve));
    const runStart = performance.now();
    await boss.work(
      queue,
      {
        localConcurrency: variant.localConcurrency,
        batchSize: variant.batchSize,
        pollingIntervalSeconds: 0.5,
        // Keep fetching while there is a backlog (pg-boss's own switches for draining one).
        ...(variant.batchSize > 1 ? { burstWhenBatchFull: true } : { burstWhenReadyExceeds: 1 }),
      },
      async (batch) => {
        await Promise.all(batch.map(async () => undefined));
        // pg-boss completes the batch after the handler returns; count it then.
        queueMicrotask(() => {
          done += batch.length;
          if (done >= jobs) resolveDone();
        });
      },
    );
    await finished;
    // The last completion statement: wait until the queue holds nothing but completed jobs.
    for (;;) {
      const { rows } = await execute(`SELECT count(*)::int AS n FROM ${schema}.job WHERE name = $1 AND state <> 'completed'`, [queue]);
      if ((rows[0] as { n: number }).n === 0) break;
      await new Promise((r) => setTimeout(r, 5));
    }
    const runMs = performance.now() - runStart;
    return { variant, jobs, insertMs, runMs, perSecond: (jobs / runMs) * 1000, statements, statementsByKind };
  } finally {
    // Stop pg-boss's loops but keep its pool open to drop the schema, then close it.
    await boss.stop({ graceful: false, close: false, timeout: 5000 }).catch(() => undefined);
    await boss.getDb().executeSql(`DROP SCHEMA IF EXISTS ${schema} CASCADE`).catch((err: Error) => console.error(`  could not drop schema ${schema}: ${err.message}`));
    await (boss.getDb() as { close?: () => Promise<void> }).close?.().catch(() => undefined);
  }
}
