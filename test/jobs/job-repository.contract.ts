/**
 * One contract for every Agenda job backend we run: the repository directly, then real Agenda
 * workers on it (two at once, repeating, retrying, draining). Run it against a real database.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { constant, type AgendaBackend, type Job, type JobParameters, type JobRepository } from 'agenda';
import { JobRegistry, type JobDefinition } from '../../src/jobs/job-registry.js';
import { createScheduler, type Scheduler, type SchedulerLog } from '../../src/jobs/scheduler.js';
import { listJobs } from '../../src/jobs/job-list.js';
import { PermanentJobError } from '../../src/jobs/retry-policy.js';
import { gate, nextOf, waitFor as waitUntil } from '../support/wait-for.js';

export type ContractDatabase = {
  /** The backend the repository cases use. */
  backend: AgendaBackend;
  /** Another backend on the same database over its own connection: a second worker process. */
  openBackend(): Promise<AgendaBackend>;
  close(): Promise<void>;
};

const quiet: SchedulerLog = { info() {}, warn() {}, error() {} };
const waitFor = (what: string, check: () => boolean | Promise<boolean>) => waitUntil(check, what, 60_000);

const job = (over: Partial<JobParameters> & { name: string }): JobParameters => ({
  priority: 0,
  nextRunAt: new Date(Date.now() - 1000),
  type: 'normal',
  data: {},
  ...over,
});

const soon = () => {
  const now = new Date();
  return { now, nextScanAt: new Date(now.getTime() + 5000), lockDeadline: new Date(now.getTime() - 600_000) };
};

export function jobRepositoryContract(label: string, open: () => Promise<ContractDatabase>): void {
  describe(`job repository contract: ${label}`, () => {
    let db: ContractDatabase;
    let repo: JobRepository;
    const schedulers: Scheduler[] = [];

    async function worker(definitions: JobDefinition<any>[], options: { backend?: AgendaBackend; maxConcurrency?: number; lockLimit?: number; log?: SchedulerLog } = {}) {
      const registry = new JobRegistry();
      for (const d of definitions) registry.add(d);
      const scheduler = await createScheduler(options.backend ?? db.backend, registry, {
        processEveryMs: 50,
        maxConcurrency: options.maxConcurrency ?? 5,
        ...(options.lockLimit ? { lockLimit: options.lockLimit } : {}),
        log: options.log ?? quiet,
      });
      schedulers.push(scheduler);
      return scheduler;
    }

    beforeAll(async () => {
      db = await open();
      repo = db.backend.repository;
    });

    afterAll(async () => {
      await db.close();
    });

    beforeEach(async () => {
      for (const s of schedulers.splice(0)) await s.stop({ timeoutMs: 5000 });
      await repo.purgeAllJobs();
    });

    it('saves and reads back a job: dates to the millisecond, JSON data, defaults', async () => {
      const nextRunAt = new Date('2031-05-06T07:08:09.123Z');
      const saved = await repo.saveJob(
        job({ name: 'round-trip', priority: 7, nextRunAt, data: { customer: { id: 42, tags: ['vip', '回访'] }, n: 1.5 }, startDate: new Date('2031-01-01T00:00:00.001Z'), skipDays: [0, 6] }),
        { lastModifiedBy: 'tester' },
      );
      expect(saved._id).toMatch(/^[0-9a-f-]{36}$/);
      const back = await repo.getJobById(String(saved._id));
      expect(back).toMatchObject({ name: 'round-trip', priority: 7, type: 'normal', disabled: false, lastModifiedBy: 'tester', skipDays: [0, 6] });
      expect(back!.nextRunAt!.toISOString()).toBe('2031-05-06T07:08:09.123Z');
      expect(back!.startDate!.toISOString()).toBe('2031-01-01T00:00:00.001Z');
      expect(back!.data).toEqual({ customer: { id: 42, tags: ['vip', '回访'] }, n: 1.5 });
      expect(back!.lockedAt).toBeUndefined();

      const updated = await repo.saveJob({ ...back!, priority: 9, data: { n: 2 } }, undefined);
      expect(updated._id).toBe(saved._id);
      expect(updated).toMatchObject({ priority: 9, data: { n: 2 } });

      const byName = await repo.queryJobs({ name: 'round-trip' });
      expect(byName.total).toBe(1);
      expect(byName.jobs[0]!.state).toBe('scheduled');
      expect((await repo.queryJobs({ data: { n: 2 } })).total).toBe(1);
      expect((await repo.queryJobs({ data: { n: 3 } })).total).toBe(0);
      expect(await repo.removeJobs({ name: 'round-trip' })).toBe(1);
      expect(await repo.getJobById(String(saved._id))).toBeNull();
    });

    it('keeps one row per single job and per unique key', async () => {
      const a = await repo.saveJob(job({ name: 'every-tick', type: 'single', repeatInterval: 60_000, data: { v: 1 } }), undefined);
      const b = await repo.saveJob(job({ name: 'every-tick', type: 'single', repeatInterval: 30_000, data: { v: 2 } }), undefined);
      expect(b._id).toBe(a._id);
      expect(b).toMatchObject({ repeatInterval: 30_000, data: { v: 2 } });

      const unique = { 'data.customerId': 5 };
      const u1 = await repo.saveJob(job({ name: 'remind', data: { customerId: 5, text: 'a' }, unique }), undefined);
      const u2 = await repo.saveJob(job({ name: 'remind', data: { customerId: 5, text: 'b' }, unique, uniqueOpts: { insertOnly: true } }), undefined);
      expect(u2._id).toBe(u1._id);
      expect(u2.data).toEqual({ customerId: 5, text: 'a' });
      const u3 = await repo.saveJob(job({ name: 'remind', data: { customerId: 5, text: 'c' }, unique }), undefined);
      expect(u3._id).toBe(u1._id);
      expect(u3.data).toEqual({ customerId: 5, text: 'c' });
      expect((await repo.queryJobs({ names: ['every-tick', 'remind'] })).total).toBe(2);
    });

    it('hands out the next due job by priority, then by nextRunAt, and never a disabled or future one', async () => {
      const t = Date.now();
      await repo.saveJob(job({ name: 'pick', priority: 0, nextRunAt: new Date(t - 3000), data: { k: 'low-oldest' } }), undefined);
      await repo.saveJob(job({ name: 'pick', priority: 10, nextRunAt: new Date(t - 1000), data: { k: 'high-newer' } }), undefined);
      await repo.saveJob(job({ name: 'pick', priority: 10, nextRunAt: new Date(t - 2000), data: { k: 'high-older' } }), undefined);
      await repo.saveJob(job({ name: 'pick', priority: 20, nextRunAt: new Date(t + 60_000), data: { k: 'future' } }), undefined);
      await repo.saveJob(job({ name: 'pick', priority: 30, disabled: true, data: { k: 'disabled' } }), undefined);
      await repo.saveJob(job({ name: 'other', priority: 50, data: { k: 'other-name' } }), undefined);

      const order: unknown[] = [];
      for (;;) {
        const { now, nextScanAt, lockDeadline } = soon();
        const next = await repo.getNextJobToRun('pick', nextScanAt, lockDeadline, now, { lastModifiedBy: 'w1' });
        if (!next) break;
        expect(next.lockedAt).toBeInstanceOf(Date);
        expect(next.lastModifiedBy).toBe('w1');
        order.push((next.data as { k: string }).k);
      }
      expect(order).toEqual(['high-older', 'high-newer', 'low-oldest']);
    });

    it('locks a job once, and unlocks it for the next taker', async () => {
      const saved = await repo.saveJob(job({ name: 'lockme' }), undefined);
      const locked = await repo.lockJob(saved, undefined);
      expect(locked?.lockedAt).toBeInstanceOf(Date);
      expect(await repo.lockJob(saved, undefined)).toBeUndefined();
      const { now, nextScanAt, lockDeadline } = soon();
      expect(await repo.getNextJobToRun('lockme', nextScanAt, lockDeadline, now, undefined)).toBeUndefined();
      expect((await repo.queryJobs({ state: 'running' })).total).toBe(1);

      await repo.unlockJob(locked!);
      expect((await repo.getJobById(String(saved._id)))!.lockedAt).toBeUndefined();
      const again = await repo.getNextJobToRun('lockme', nextScanAt, lockDeadline, now, undefined);
      expect(again?._id).toBe(saved._id);
      await repo.unlockJobs([saved._id!]);
      expect((await repo.queryJobs({ state: 'running' })).total).toBe(0);
    });

    it('hands back the jobs a worker locked ahead (batch claim) when their locks are released, and never runs them after', async () => {
      for (let k = 0; k < 3; k++) await repo.saveJob(job({ name: 'ahead', data: { k } }), undefined);
      const { now, nextScanAt, lockDeadline } = soon();
      const first = await repo.getNextJobToRun('ahead', nextScanAt, lockDeadline, now, { lastModifiedBy: 'w1' });
      expect(first).toBeDefined();
      // What the scheduler's stop does: release every lock of this worker that did not start.
      const held = (await repo.queryJobs({ name: 'ahead', state: 'running' })).jobs.map((j) => j._id).filter((id) => id !== first!._id);
      await repo.unlockJobs(held);
      const other = (await db.openBackend()).repository;
      const taken: unknown[] = [];
      for (;;) {
        const next = await other.getNextJobToRun('ahead', nextScanAt, lockDeadline, new Date(), { lastModifiedBy: 'w2' });
        if (!next) break;
        taken.push(next._id);
      }
      expect(taken).toHaveLength(2);
      expect(await repo.getNextJobToRun('ahead', nextScanAt, lockDeadline, new Date(), { lastModifiedBy: 'w1' })).toBeUndefined();
    });

    it('saves the state of many jobs at once, each its own values; a job removed meanwhile fails its own save only', async () => {
      const saved: JobParameters[] = [];
      for (let k = 0; k < 12; k++) saved.push(await repo.saveJob(job({ name: 'state', data: { k } }), undefined));
      await repo.removeJobs({ id: saved[5]!._id });
      const ranAt = (k: number) => new Date(Date.UTC(2031, 0, 1, 0, 0, k, k));
      const results = await Promise.allSettled(
        saved.map((s, k) => repo.saveJobState({ ...s, lastRunAt: ranAt(k), lockedAt: undefined, failCount: k, failReason: k % 2 ? `reason ${k}` : undefined, progress: k / 10 }, { lastModifiedBy: `w${k}` })),
      );
      expect(results.map((r) => r.status)).toEqual(saved.map((_, k) => (k === 5 ? 'rejected' : 'fulfilled')));
      for (const [k, s] of saved.entries()) {
        if (k === 5) continue;
        const back = await repo.getJobById(String(s._id));
        expect(back).toMatchObject({ failCount: k, failReason: k % 2 ? `reason ${k}` : undefined, progress: k / 10, lastModifiedBy: `w${k}` });
        expect(back!.lastRunAt!.toISOString()).toBe(ranAt(k).toISOString());
      }
    });

    it('gives a job whose lock expired to another worker', async () => {
      const saved = await repo.saveJob(job({ name: 'crashed' }), undefined);
      const longAgo = new Date(Date.now() - 3_600_000);
      const first = await repo.getNextJobToRun('crashed', new Date(), new Date(longAgo.getTime() - 1), longAgo, { lastModifiedBy: 'dead-worker' });
      expect(first?._id).toBe(saved._id);
      const { now, nextScanAt } = soon();
      // The lock is still young for a 2-hour lifetime, expired for a 10-minute one.
      expect(await repo.getNextJobToRun('crashed', nextScanAt, new Date(now.getTime() - 7_200_000), now, undefined)).toBeUndefined();
      const retaken = await repo.getNextJobToRun('crashed', nextScanAt, new Date(now.getTime() - 600_000), now, { lastModifiedBy: 'w2' });
      expect(retaken?._id).toBe(saved._id);
      expect(retaken!.lockedAt!.getTime()).toBeGreaterThan(longAgo.getTime());

      // And a real worker runs a job left locked by a dead one.
      await repo.saveJob(job({ name: 'orphan' }), undefined);
      const { now: n2, nextScanAt: s2 } = soon();
      await repo.getNextJobToRun('orphan', s2, new Date(longAgo.getTime() - 1), longAgo, { lastModifiedBy: 'dead-worker' });
      const ran: string[] = [];
      const w = await worker([{ name: 'orphan', parse: (d) => d, run: async (_d, j) => void ran.push(String(j.attrs._id)) }]);
      await w.start();
      await waitFor('the orphaned job to run', () => ran.length === 1);
      expect(n2).toBeInstanceOf(Date);
    });

    it('two Agenda workers on one database run every job exactly once', async () => {
      const N = 120;
      const runs = new Map<number, string[]>();
      const counting = (who: string): JobDefinition<{ seq: number }> => ({
        name: 'count',
        parse: (d) => d as { seq: number },
        run: async ({ seq }) => {
          runs.set(seq, [...(runs.get(seq) ?? []), who]);
          // Give the other worker's claims a turn while this run is under way (no timer: nothing waits on time).
          await new Promise<void>((r) => setImmediate(r));
        },
      });
      // What the workers report (a write that failed leaves its job's row behind): shown if the rows stay.
      const reported: unknown[] = [];
      const log: SchedulerLog = { info() {}, warn: (o, m) => void reported.push([m, o]), error: (o, m) => void reported.push([m, o]) };
      const a = await worker([counting('a')], { maxConcurrency: 10, lockLimit: 10, log });
      const b = await worker([counting('b')], { backend: await db.openBackend(), maxConcurrency: 10, lockLimit: 10, log });
      for (let seq = 0; seq < N; seq++) await a.agenda.create('count', { seq }).save();
      await Promise.all([a.start(), b.start()]);
      await waitFor('all jobs to run', () => runs.size === N);
      // Once every row is gone nothing can be claimed again; the drain lets any run still under way finish.
      await waitFor('completed jobs to be removed', async () => (await repo.queryJobs({ name: 'count' })).total === 0).catch(async (error: Error) => {
        const left = (await repo.queryJobs({ name: 'count' })).jobs.map((j) => ({ seq: (j.data as { seq: number }).seq, lockedAt: j.lockedAt, lastFinishedAt: j.lastFinishedAt, by: j.lastModifiedBy }));
        throw new Error(`${error.message}; rows left: ${JSON.stringify(left)}; workers reported: ${JSON.stringify(reported, (_k, v) => (v instanceof Error ? String(v) : v))}`);
      });
      await Promise.all([a.stop({ timeoutMs: 60_000 }), b.stop({ timeoutMs: 60_000 })]);
      const duplicates = [...runs.entries()].filter(([, who]) => who.length > 1);
      expect(duplicates).toEqual([]);
      expect(runs.size).toBe(N);
      const byWorker = [...runs.values()].flat();
      expect(byWorker.filter((w) => w === 'a').length + byWorker.filter((w) => w === 'b').length).toBe(N);
    });

    it('keeps taking jobs as they finish, not only when it polls', async () => {
      const done: number[] = [];
      const registry = new JobRegistry().add({ name: 'quick', parse: (d) => d as { seq: number }, run: async ({ seq }) => void done.push(seq) });
      // One poll at start and the next an hour later: 30 jobs with room for 3 locks at a time all run
      // only if finishing one takes the next.
      const w = await createScheduler(db.backend, registry, { processEveryMs: 3_600_000, maxConcurrency: 3, lockLimit: 3, log: quiet });
      schedulers.push(w);
      for (let seq = 0; seq < 30; seq++) await repo.saveJob(job({ name: 'quick', data: { seq } }), undefined);
      await w.start();
      await waitFor('all 30 jobs to run before the second poll', () => done.length === 30);
      expect(new Set(done).size).toBe(30);
    });

    it('runs a repeating job more than once', async () => {
      const runAt: number[] = [];
      const w = await worker([{ name: 'tick', parse: (d) => d, run: async () => void runAt.push(Date.now()) }]);
      await w.start();
      await w.agenda.every(200, 'tick');
      await waitFor('three runs', () => runAt.length >= 3);
      expect(runAt[2]! - runAt[0]!).toBeGreaterThanOrEqual(300);
      const [row] = (await repo.queryJobs({ name: 'tick' })).jobs;
      expect(row).toMatchObject({ type: 'single', repeatInterval: 200 });
      expect((await repo.queryJobs({ name: 'tick' })).total).toBe(1);
    });

    it('retries a failing job after the backoff delay, and not at all after a permanent error', async () => {
      const attempts: number[] = [];
      const retries: { attempt: number; delay: number; nextRunAt: Date }[] = [];
      const w = await worker([
        {
          name: 'flaky',
          parse: (d) => d,
          backoff: constant({ delay: 400, maxRetries: 3 }),
          run: async () => {
            attempts.push(Date.now());
            if (attempts.length < 3) throw new Error(`carrier timeout #${attempts.length}`);
          },
        },
        {
          name: 'doomed',
          parse: (d) => d,
          backoff: constant({ delay: 50, maxRetries: 5 }),
          run: async () => {
            throw new PermanentJobError('customer opted out');
          },
        },
      ]);
      w.agenda.on('retry', (_job: Job, details) => retries.push({ attempt: details.attempt, delay: details.delay, nextRunAt: details.nextRunAt }));
      await w.start();
      const flaky = await w.agenda.now('flaky', {});

      await waitFor('the first failure', () => attempts.length === 1);
      await waitFor('the retry to be stored', async () => (await repo.getJobById(String(flaky.attrs._id)))?.failCount === 1);
      const failed = (await repo.getJobById(String(flaky.attrs._id)))!;
      expect(failed.failReason).toBe('carrier timeout #1');
      // The retry is stored for the backoff's delay after the failure (never earlier; how much later
      // depends on the machine's load, so no upper bound).
      expect(retries[0]).toMatchObject({ attempt: 1, delay: 400 });
      expect(failed.nextRunAt!.getTime()).toBe(retries[0]!.nextRunAt.getTime());
      expect(failed.nextRunAt!.getTime() - failed.failedAt!.getTime()).toBeGreaterThanOrEqual(400);

      await waitFor('the third attempt', () => attempts.length === 3);
      expect(attempts[1]! - attempts[0]!).toBeGreaterThanOrEqual(400);
      expect(attempts[2]! - attempts[1]!).toBeGreaterThanOrEqual(400);
      expect(retries.map((r) => r.attempt)).toEqual([1, 2]);
      await waitFor('the success to remove the job', async () => (await repo.getJobById(String(flaky.attrs._id))) === null);

      const gaveUp = nextOf<Job>((deliver) => w.agenda.once('retry exhausted:doomed', (_error: unknown, j: Job) => deliver(j)), 'the permanent failure to give up', 60_000);
      const doomed = await w.agenda.now('doomed', {});
      expect(String((await gaveUp).attrs._id)).toBe(String(doomed.attrs._id));
      await waitFor('the permanent failure to be stored', async () => (await repo.getJobById(String(doomed.attrs._id)))?.failCount === 1);
      expect(retries).toHaveLength(2);
      const dead = (await repo.getJobById(String(doomed.attrs._id)))!;
      expect(dead.failCount).toBe(1);
      expect(dead.nextRunAt).toBeNull();
      const page = await listJobs(repo, { page: 1, size: 10, state: 'failed' });
      expect(page).toMatchObject({ total: 1, current: 1, pages: 1, size: 10 });
      expect(page.records[0]).toMatchObject({ name: 'doomed', state: 'failed', failCount: 1, failReason: 'customer opted out', nextRunAt: null });
    });

    it('drains on shutdown: a running job finishes, a taken-but-unstarted one is released', async () => {
      // Each job works until the test opens its gate, so "still running" is a state, not a race.
      const gates = new Map<string, ReturnType<typeof gate>>();
      const gateOf = (key: string) => gates.get(key) ?? gates.set(key, gate()).get(key)!;
      let finished = 0;
      const slow: JobDefinition<{ key: string }> = {
        name: 'slow',
        parse: (d) => d as { key: string },
        concurrency: 1,
        run: async ({ key }, j) => {
          await j.touch(50);
          await gateOf(key).passed;
          finished++;
        },
      };
      const w = await worker([slow], { maxConcurrency: 1, lockLimit: 5 });
      await w.agenda.create('slow', { key: 'first' }).priority(10).save();
      await w.start();
      await waitFor('the slow job to start', async () => (await listJobs(repo, { page: 1, size: 5, state: 'running' })).records.some((r) => r.progress === 50));
      const stopping = w.stop({ timeoutMs: 60_000 });
      // Stop is under way while the job is still at work (its row still locked), and it waits for it.
      expect((await repo.queryJobs({ name: 'slow', state: 'running' })).total).toBe(1);
      expect(finished).toBe(0);
      gateOf('first').open();
      const result = await stopping;
      expect(result).toMatchObject({ timedOut: false, running: 0 });
      expect(finished).toBe(1);
      expect((await repo.queryJobs({ name: 'slow' })).total).toBe(0);

      // A drain that times out leaves the running job locked and releases the one waiting behind it.
      const w2 = await worker([slow], { maxConcurrency: 1, lockLimit: 5 });
      const long = await w2.agenda.create('slow', { key: 'long' }).priority(10).save();
      const waiting = await w2.agenda.create('slow', { key: 'waiting' }).priority(0).save();
      await w2.start();
      // Taken: the long one started, the other locked behind it (on MariaDB possibly claimed in the same batch).
      await waitFor(
        'the long job to start with the other one taken',
        async () => Boolean((await repo.getJobById(String(long.attrs._id)))?.lastRunAt) && (await repo.queryJobs({ state: 'running' })).total === 2,
      );
      // The long job's gate stays shut, so this drain cannot finish it within any timeout.
      const cut = await w2.stop({ timeoutMs: 200 });
      expect(cut).toMatchObject({ timedOut: true, running: 1 });
      expect((await repo.getJobById(String(long.attrs._id)))!.lockedAt).toBeInstanceOf(Date);
      expect((await repo.getJobById(String(waiting.attrs._id)))!.lockedAt).toBeUndefined();
      expect(finished).toBe(1);
      gateOf('long').open();
      await waitFor('the long job to finish', () => finished === 2);
    });
  });
}
