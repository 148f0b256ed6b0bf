/**
 * The SQL job store's claims across workers: a claim takes no more of a kind than the worker runs at
 * once, jobs claimed ahead go back to every worker when the store stops, and a process restarted under
 * its name gets back the jobs its killed predecessor held. Both dialects (SQLite claims one at a time).
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { JobParameters } from 'agenda';
import { connectOrm, type Orm } from '../../src/db/orm.js';
import { SqlBackend } from '../../src/jobs/sql-backend/sql-backend.js';
import { JobRegistry } from '../../src/jobs/job-registry.js';
import { createScheduler, type Scheduler } from '../../src/jobs/scheduler.js';
import { createMigratedOrm, DIALECTS } from '../support/database.js';
import { waitFor } from '../support/wait-for.js';

const quiet = { info() {}, warn() {}, error() {} };
const due = (name: string, k: number): JobParameters => ({ name, priority: 0, nextRunAt: new Date(Date.now() - 1000), type: 'normal', data: { k } });
/** Agenda's ask: jobs due within 5 s, a lock lifetime of 10 minutes (no lock here expires). */
const ask = (store: SqlBackend['repository'], name: string, worker: string) => {
  const now = new Date();
  return store.getNextJobToRun(name, new Date(now.getTime() + 5000), new Date(now.getTime() - 600_000), now, { lastModifiedBy: worker });
};

for (const dialect of DIALECTS) {
  describe(`SQL job store claims on ${dialect}`, () => {
    let close: () => Promise<void>;
    let target: Parameters<typeof connectOrm>[0];
    const orms: Orm[] = [];
    const schedulers: Scheduler[] = [];
    let main: SqlBackend;
    /** A second worker process: its own connection and store. */
    const openStore = async () => {
      const orm = await connectOrm(target);
      orms.push(orm);
      return new SqlBackend(orm);
    };
    const running = async (name: string) => (await main.repository.queryJobs({ name, state: 'running' })).total;

    beforeAll(async () => {
      const made = await createMigratedOrm(dialect);
      close = made.close;
      target = made.db.target;
      main = new SqlBackend(made.orm);
    });
    beforeEach(async () => {
      for (const s of schedulers.splice(0)) await s.stop({ timeoutMs: 5000 });
      await main.repository.purgeAllJobs();
    });
    afterAll(async () => {
      for (const s of schedulers.splice(0)) await s.stop({ timeoutMs: 5000 });
      for (const orm of orms) await orm.close(true);
      await close();
    });

    it('claims no more of a kind than the worker runs at once, and few of a kind it was not told about', async () => {
      const store = (await openStore()).repository;
      for (let k = 0; k < 10; k++) await main.repository.saveJob(due('one-at-a-time', k), undefined);
      store.limitClaims((name) => (name === 'one-at-a-time' ? 1 : undefined));
      expect(await ask(store, 'one-at-a-time', 'w1')).toBeDefined();
      // One locked: the other nine are free for idle workers.
      expect(await running('one-at-a-time')).toBe(1);
      const other = (await openStore()).repository;
      other.limitClaims(() => 1);
      expect(await ask(other, 'one-at-a-time', 'w2')).toBeDefined();
      expect(await running('one-at-a-time')).toBe(2);

      for (let k = 0; k < 10; k++) await main.repository.saveJob(due('unknown-kind', k), undefined);
      expect(await ask(store, 'unknown-kind', 'w1')).toBeDefined();
      expect(await running('unknown-kind')).toBeGreaterThanOrEqual(1);
      expect(await running('unknown-kind')).toBeLessThanOrEqual(4);
    });

    it('hands the jobs it claimed ahead back when it stops: another worker runs them at once', async () => {
      const store = (await openStore()).repository;
      store.limitClaims(() => 20);
      for (let k = 0; k < 6; k++) await main.repository.saveJob(due('handback', k), undefined);
      const first = await ask(store, 'handback', 'w1');
      expect(first).toBeDefined();
      await store.releaseClaimed();
      // Only the job handed to Agenda is still locked; the lock lifetime (10 min) has nothing to do with it.
      expect(await running('handback')).toBe(1);
      const ran: string[] = [];
      const registry = new JobRegistry().add({ name: 'handback', parse: (d) => d, run: async (_d, job) => void ran.push(String(job.attrs._id)) });
      const other = await createScheduler(await openStore(), registry, { processEveryMs: 50, maxConcurrency: 5, log: quiet });
      schedulers.push(other);
      await other.start();
      await waitFor(() => ran.length === 5, 'the five released jobs to run in the other worker', 60_000);
      expect(ran).not.toContain(String(first!._id));
      expect(new Set(ran).size).toBe(5);
    });

    it('a worker restarted under its name runs at once the jobs its killed predecessor held', async () => {
      const dead = (await openStore()).repository;
      dead.limitClaims(() => 20);
      for (let k = 0; k < 3; k++) await main.repository.saveJob(due('restarted', k), undefined);
      // The predecessor took a job and started it (a one-time job's start save clears next_run_at), then died.
      const started = (await ask(dead, 'restarted', 'proc-B'))!;
      await dead.saveJobState({ ...started, nextRunAt: null, lastRunAt: new Date() }, { lastModifiedBy: 'proc-B' });
      expect((await main.repository.getJobById(String(started._id)))!.lockedAt).toBeInstanceOf(Date);
      const ran: number[] = [];
      const registry = new JobRegistry().add({ name: 'restarted', parse: (d) => d as { k: number }, run: async ({ k }) => void ran.push(k) });
      const again = await createScheduler(await openStore(), registry, { workerName: 'proc-B', processEveryMs: 50, maxConcurrency: 5, log: quiet });
      schedulers.push(again);
      await again.start();
      await waitFor(() => ran.length === 3, 'every job of the killed run to run in its successor', 60_000);
      expect(ran.sort()).toEqual([0, 1, 2]);
    });
  });
}
