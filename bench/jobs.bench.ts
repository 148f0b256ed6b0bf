/**
 * Agenda throughput on the SQL job backend: N no-op jobs at concurrency C, on SQLite and on MariaDB,
 * each in a temporary database dropped afterwards; then the same workload on pg-boss against the local
 * PostgreSQL server (a temporary schema), in the same run, and the ratio. Statements, round trips and
 * commits per job are counted at the client for each.
 * Aim: MariaDB at least pg-boss's rate.
 *   npm run bench -- jobs [--jobs 5000] [--concurrency 20] [--dialect sqlite|mysql] [--workers 1] [--peer true|false] [--rounds 1]
 * With --rounds N ours and the peer alternate N times and the ratios are printed by round with their median.
 */
import { parseArgs } from 'node:util';
import type { JobParameters } from 'agenda';
import { JobRegistry } from '../src/jobs/job-registry.js';
import { noopJob } from '../src/jobs/noop.job.js';
import { createScheduler, type Scheduler, type SchedulerLog } from '../src/jobs/scheduler.js';
import { SqlBackend } from '../src/jobs/sql-backend/sql-backend.js';
import { connectOrm, type Orm } from '../src/db/orm.js';
import { createMigratedOrm, DIALECTS, type Dialect } from '../test/support/database.js';
import type { AbstractSqlConnection } from '@mikro-orm/sql';
import { countSql, perJob, type SqlCounts } from './sql-counter.js';
import { PG_BOSS_VERSION, runPgBoss, type PeerResult } from './pg-boss-peer.js';

export const description = 'N no-op Agenda jobs at concurrency C on SQLite and MariaDB, and on pg-boss/PostgreSQL in the same run (jobs/s, ratio)';

const quiet: SchedulerLog = { info() {}, warn() {}, error: (obj, msg) => console.error(msg, obj) };

/**
 * The production defaults: JOBS_PROCESS_EVERY_MS (1000) and the scheduler's lock limit
 * (2 × concurrency). Throughput does not hang on the poll interval because a worker looks for the
 * next job as soon as one finishes (scheduler.ts, wakeOnComplete).
 */
const PROCESS_EVERY_MS = 1000;
const LOCK_AHEAD = 2;

type Tuning = { processEveryMs: number; lockLimit: number; claimBatch?: number };

type Result = { dialect: Dialect; jobs: number; insertMs: number; runMs: number; perSecond: number; sql: SqlCounts };

async function benchDialect(dialect: Dialect, jobs: number, concurrency: number, workers: number, tuning: Tuning): Promise<Result> {
  const { orm, db, close } = await createMigratedOrm(dialect);
  const extraOrms: Orm[] = [];
  try {
    const schedulers: Scheduler[] = [];
    for (let w = 0; w < workers; w++) {
      const workerOrm = w === 0 ? orm : await connectOrm(db.target);
      if (w > 0) extraOrms.push(workerOrm);
      const registry = new JobRegistry().add(noopJob);
      schedulers.push(
        await createScheduler(new SqlBackend(workerOrm, { claimBatch: tuning.claimBatch }), registry, {
          workerName: `bench-${w}`,
          processEveryMs: tuning.processEveryMs,
          maxConcurrency: concurrency,
          lockLimit: tuning.lockLimit,
          log: quiet,
        }),
      );
    }
    const repo = schedulers[0]!.agenda.db;
    // Counted from the first job run on: every worker shares this ORM's connection object when workers = 1.
    const counter = countSql(orm.em.getConnection() as AbstractSqlConnection, dialect === 'mysql' ? 2 : 1);

    const insertStart = performance.now();
    const batch = 50;
    for (let i = 0; i < jobs; i += batch) {
      const saves: Promise<JobParameters>[] = [];
      for (let seq = i; seq < Math.min(i + batch, jobs); seq++) {
        saves.push(repo.saveJob({ name: 'noop', priority: 0, nextRunAt: new Date(), type: 'normal', data: { seq } }, undefined));
      }
      await Promise.all(saves);
    }
    const insertMs = performance.now() - insertStart;

    let done = 0;
    let failed = 0;
    const finished = new Promise<void>((resolve) => {
      for (const s of schedulers) {
        s.agenda.on('success', () => ++done === jobs && resolve());
        s.agenda.on('fail', () => failed++);
      }
    });
    counter.reset();
    const runStart = performance.now();
    await Promise.all(schedulers.map((s) => s.start()));
    await Promise.race([finished, stalled(() => done, async () => JSON.stringify(await repo.getJobsOverview()))]);
    // Stopping waits for the last deletes, so the time covers every job run and removed.
    for (const s of schedulers) await s.stop({ timeoutMs: 10_000 });
    const runMs = performance.now() - runStart;
    const sql = { ...counter.counts() };
    const left = await repo.queryJobs({ name: 'noop' });
    if (failed > 0 || left.total > 0) console.warn(`  ${dialect}: ${failed} failed, ${left.total} rows left`);
    return { dialect, jobs, insertMs, runMs, perSecond: (jobs / runMs) * 1000, sql };
  } finally {
    for (const extra of extraOrms) await extra.close(true);
    await close();
  }
}

/** Rejects when the done count has not moved for 15 s, with what the table holds. */
async function stalled(progress: () => number, describe: () => Promise<string>): Promise<never> {
  let last = -1;
  for (;;) {
    await new Promise((r) => setTimeout(r, 15_000));
    const now = progress();
    if (now === last) throw new Error(`no progress after ${now} jobs: ${await describe()}`);
    last = now;
  }
}

const dialectName = (dialect: Dialect) => (dialect === 'mysql' ? 'MariaDB' : 'SQLite');

export async function run(args: string[]): Promise<void> {
  const { values } = parseArgs({
    args,
    options: {
      jobs: { type: 'string', default: '5000' },
      concurrency: { type: 'string', default: '20' },
      dialect: { type: 'string' },
      workers: { type: 'string', default: '1' },
      'process-every': { type: 'string', default: String(PROCESS_EVERY_MS) },
      'lock-limit': { type: 'string' },
      peer: { type: 'string', default: 'true' },
      'claim-batch': { type: 'string' },
      rounds: { type: 'string', default: '1' },
    },
  });
  const jobs = Number(values.jobs);
  const concurrency = Number(values.concurrency);
  const workers = Number(values.workers);
  const dialects = values.dialect ? [values.dialect as Dialect] : DIALECTS;
  const tuning = { processEveryMs: Number(values['process-every']), lockLimit: Number(values['lock-limit'] ?? concurrency * LOCK_AHEAD), claimBatch: values['claim-batch'] ? Number(values['claim-batch']) : undefined };
  console.log(
    `jobs bench: ${jobs} no-op jobs, concurrency ${concurrency}, ${workers} worker(s), processEvery ${tuning.processEveryMs} ms, lockLimit ${tuning.lockLimit}, MariaDB claim batch ${tuning.claimBatch ?? 'default (20)'}`,
  );
  const started = performance.now();
  const rounds = Math.max(1, Number(values.rounds));
  // Same jobs in flight: 20 workers fetching one job each (pg-boss's per-job mode), and one worker
  // fetching 20 at a time (its batch mode).
  const variants = [
    { label: `${concurrency} workers × 1 job`, localConcurrency: concurrency, batchSize: 1 },
    { label: `1 worker × batches of ${concurrency}`, localConcurrency: 1, batchSize: concurrency },
  ];
  const ratios = new Map<string, number[]>();
  for (let round = 1; round <= rounds; round++) {
    if (rounds > 1) console.log(`round ${round} of ${rounds}`);
    const ours = new Map<Dialect, Result>();
    for (const dialect of dialects) {
      const r = await benchDialect(dialect, jobs, concurrency, workers, tuning);
      ours.set(dialect, r);
      console.log(
        `  ${dialectName(dialect).padEnd(8)} ${r.perSecond.toFixed(0).padStart(6)} jobs/s   run ${(r.runMs / 1000).toFixed(2)} s   (insert ${r.jobs} jobs ${(r.insertMs / 1000).toFixed(2)} s)`,
      );
      console.log(`           ${perJob(r.sql, jobs)}`);
    }
    if (values.peer === 'false') continue;
    const peers: PeerResult[] = [];
    for (const variant of variants) {
      const p = await runPgBoss(jobs, variant);
      peers.push(p);
      const kinds = Object.entries(p.statementsByKind).map(([k, n]) => `${k} ${(n / jobs).toFixed(2)}`).join(', ');
      console.log(
        `  pg-boss ${PG_BOSS_VERSION} (PostgreSQL, ${variant.label}) ${p.perSecond.toFixed(0).padStart(6)} jobs/s   run ${(p.runMs / 1000).toFixed(2)} s   (insert ${(p.insertMs / 1000).toFixed(2)} s)`,
      );
      console.log(`           ${(p.statements / jobs).toFixed(2)} statements/job (${kinds}; each autocommitted)`);
    }
    // Like for like is the per-job mode (one handler call and one completion per job, as Agenda runs them);
    // the batch mode settles 20 jobs with one statement, a model our job definitions do not have.
    for (const [dialect, r] of ours) {
      console.log(`  ratio ${dialectName(dialect)}/pg-boss: ${peers.map((p) => `${(r.perSecond / p.perSecond).toFixed(2)} (${p.variant.label})`).join(', ')}`);
      for (const p of peers) {
        const key = `${dialectName(dialect)}/pg-boss (${p.variant.label})`;
        ratios.set(key, [...(ratios.get(key) ?? []), r.perSecond / p.perSecond]);
      }
    }
  }
  // The load of a shared machine moves between the phases of one round; rounds alternate ours and the
  // peer's, and the median ratio is the figure to quote.
  if (rounds > 1) {
    for (const [key, values] of ratios) {
      const sorted = [...values].sort((x, y) => x - y);
      console.log(`  ratio ${key} by round: ${values.map((v) => v.toFixed(2)).join(', ')}; median ${sorted[Math.floor(sorted.length / 2)]!.toFixed(2)}`);
    }
  }
  console.log(`  total ${((performance.now() - started) / 1000).toFixed(2)} s`);
}
