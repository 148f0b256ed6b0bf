/**
 * Agenda throughput on the SQL job backend: N no-op jobs at concurrency C, on SQLite and on MariaDB,
 * each in a temporary database dropped afterwards. Aim: ≥ 300 jobs/s on MariaDB.
 *   npm run bench -- jobs [--jobs 5000] [--concurrency 20] [--dialect sqlite|mysql] [--workers 1]
 */
import { parseArgs } from 'node:util';
import type { JobParameters } from 'agenda';
import { JobRegistry } from '../src/jobs/job-registry.js';
import { noopJob } from '../src/jobs/noop.job.js';
import { createScheduler, type Scheduler, type SchedulerLog } from '../src/jobs/scheduler.js';
import { SqlBackend } from '../src/jobs/sql-backend/sql-backend.js';
import { connectOrm, type Orm } from '../src/db/orm.js';
import { createMigratedOrm, DIALECTS, type Dialect } from '../test/support/database.js';

export const description = 'N no-op Agenda jobs at concurrency C on SQLite and MariaDB (jobs/s)';

const quiet: SchedulerLog = { info() {}, warn() {}, error: (obj, msg) => console.error(msg, obj) };

/**
 * The production defaults: JOBS_PROCESS_EVERY_MS (1000) and the scheduler's lock limit
 * (2 × concurrency). Throughput does not hang on the poll interval because a worker looks for the
 * next job as soon as one finishes (scheduler.ts, wakeOnComplete).
 */
const PROCESS_EVERY_MS = 1000;
const LOCK_AHEAD = 2;

type Tuning = { processEveryMs: number; lockLimit: number };

type Result = { dialect: Dialect; jobs: number; insertMs: number; runMs: number; perSecond: number };

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
        await createScheduler(new SqlBackend(workerOrm), registry, {
          workerName: `bench-${w}`,
          processEveryMs: tuning.processEveryMs,
          maxConcurrency: concurrency,
          lockLimit: tuning.lockLimit,
          log: quiet,
        }),
      );
    }
    const repo = schedulers[0]!.agenda.db;

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
    const runStart = performance.now();
    await Promise.all(schedulers.map((s) => s.start()));
    await Promise.race([finished, stalled(() => done, async () => JSON.stringify(await repo.getJobsOverview()))]);
    // Stopping waits for the last deletes, so the time covers every job run and removed.
    for (const s of schedulers) await s.stop({ timeoutMs: 10_000 });
    const runMs = performance.now() - runStart;
    const left = await repo.queryJobs({ name: 'noop' });
    if (failed > 0 || left.total > 0) console.warn(`  ${dialect}: ${failed} failed, ${left.total} rows left`);
    return { dialect, jobs, insertMs, runMs, perSecond: (jobs / runMs) * 1000 };
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
    },
  });
  const jobs = Number(values.jobs);
  const concurrency = Number(values.concurrency);
  const workers = Number(values.workers);
  const dialects = values.dialect ? [values.dialect as Dialect] : DIALECTS;
  const tuning = { processEveryMs: Number(values['process-every']), lockLimit: Number(values['lock-limit'] ?? concurrency * LOCK_AHEAD) };
  console.log(
    `jobs bench: ${jobs} no-op jobs, concurrency ${concurrency}, ${workers} worker(s), processEvery ${tuning.processEveryMs} ms, lockLimit ${tuning.lockLimit}`,
  );
  const started = performance.now();
  for (const dialect of dialects) {
    const r = await benchDialect(dialect, jobs, concurrency, workers, tuning);
    const name = dialect === 'mysql' ? 'MariaDB' : 'SQLite';
    console.log(
      `  ${name.padEnd(8)} ${r.perSecond.toFixed(0).padStart(6)} jobs/s   run ${(r.runMs / 1000).toFixed(2)} s   (insert ${r.jobs} jobs ${(r.insertMs / 1000).toFixed(2)} s)`,
    );
  }
  console.log(`  total ${((performance.now() - started) / 1000).toFixed(2)} s`);
}
