import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { JobParameters } from 'agenda';
import { PERMISSIONS } from '../../src/domain/auth/permissions.js';
import { CallTaskPhoneSchema } from '../../src/domain/call-tasks/call-task-phone.entity.js';
import { CallTaskSchema } from '../../src/domain/call-tasks/call-task.entity.js';
import { createCallTask, setCallTaskStatus } from '../../src/domain/call-tasks/call-task.service.js';
import { recordConsent } from '../../src/domain/compliance/consent-ledger.service.js';
import { createStaff } from '../../src/domain/staff/staff.service.js';
import { GatewayDeviceSchema } from '../../src/domain/voice-gateways/gateway-device.entity.js';
import { createAgendaJobQueue } from '../../src/jobs/agenda-job-queue.js';
import { createJobBackend } from '../../src/jobs/job-backend.js';
import { JobRegistry } from '../../src/jobs/job-registry.js';
import { buildScheduler, type BuiltScheduler } from '../../src/jobs/scheduler.js';
import type { Orm } from '../../src/db/orm.js';
import { createMigratedOrm } from '../support/database.js';
import type { ServerProcess } from '../support/server-process.js';
import { waitFor } from '../support/wait-for.js';
import type { FakeOutboundCall } from '../telephony/support/fake-switch.js';
import { DiallingSwitch } from '../call-tasks/support/dialling-switch.js';
import { beijingTomorrow } from '../call-tasks/support/movable-clock.js';
import { diallerWorkers, type DiallerWorkers } from './support/dialler-workers.js';

const LEASE_SECONDS = 12;
/** Takeover is due about two lease times after the death; a dead worker's job lock (10 minutes) must not matter. */
const TAKEOVER_BOUND_MS = 5 * LEASE_SECONDS * 1000;

/**
 * A dialling process dies while the job store holds something of the task's under its worker name; the
 * survivor must still take the task over about two lease times later, never only when the dead worker's job
 * locks expire. Each case makes its interleaving with events (which process is up, which job it has locked),
 * not chance: the task (one line, two numbers, the first ringing until the test answers it) is created with
 * its run due at once, taken by process A alone, which starts dialling; B comes up after.
 */
describe('a call task taken over whatever job its dead dialler held', () => {
  let sw: DiallingSwitch;
  let orm: Orm;
  let close: () => Promise<void>;
  let databaseUrl: string;
  let scheduler: BuiltScheduler;
  let workers: DiallerWorkers | undefined;
  let actor: Parameters<typeof setCallTaskStatus>[2];
  let svc: Parameters<typeof setCallTaskStatus>[1];
  let serial = 0;

  beforeAll(async () => {
    sw = await new DiallingSwitch().start(['held-gw-1', 'held-gw-2']);
    const db = await createMigratedOrm('mysql');
    orm = db.orm;
    close = db.close;
    databaseUrl = db.db.url;
    const staff = await createStaff(orm.em.fork(), { name: '经理', role: 'manager' }, { actorStaffId: null, channel: 'system' });
    actor = { staffId: staff.id, name: '经理', role: 'manager', permissions: new Set<string>(PERMISSIONS), channel: 'api' as const };
    scheduler = buildScheduler(createJobBackend({ mongodbUrl: undefined, orm }), new JobRegistry(), { workerName: 'test', processEveryMs: 60_000, maxConcurrency: 1, log: { info() {}, warn() {}, error() {} } });
    await scheduler.connect();
    svc = { jobs: createAgendaJobQueue(scheduler.agenda), clock: { now: () => new Date() }, callerIds: async () => [], recordingSecret: 'watch-held-test' };
  }, 180_000);
  afterAll(async () => {
    await workers?.stop();
    await scheduler?.stop({ timeoutMs: 5000 });
    await close?.();
    await sw?.stop();
  });

  /** A task dialled by A (alone when it took the task's run), B up as well; A's first call rings. */
  async function dialledByA(a: string, b: string, beforeB: (taskId: number) => Promise<void> = async () => {}) {
    const n = ++serial;
    await workers?.stop();
    workers = diallerWorkers({
      sw,
      databaseUrl,
      clockStart: beijingTomorrow('10:00').getTime(),
      env: { JOBS_ENABLED: 'true', JOBS_PROCESS_EVERY_MS: '200', CALL_TASK_LEASE_SECONDS: String(LEASE_SECONDS), CALL_TASK_RING_SECONDS: '120' },
    });
    const em = orm.em.fork();
    const device = em.create(GatewayDeviceSchema, { name: `held-gw-${n}`, host: `10.0.0.${n}`, sipProfile: 'external', lineCount: 1, status: 'online' });
    const numbers = [`1360000900${n}`, `1360000800${n}`];
    for (const phone of numbers) recordConsent(em, { phone, channel: 'call', state: 'granted', source: 'import' });
    await em.flush();
    sw.socket.outcome(numbers[0]!, { kind: 'held' });
    const { taskId } = await createCallTask(orm.em.fork(), svc, actor, { name: `守望测试${n}`, phoneNumbers: numbers, callScript: '您好', mode: 'robot', deviceIds: [device.id] });
    const task = () => orm.em.fork().findOneOrFail(CallTaskSchema, { id: taskId });
    const first = () => sw.socket.calls.find((c) => c.destination === numbers[0]) as FakeOutboundCall | undefined;
    const pa = await workers.launch(a);
    await waitFor(first, `${a} to dial the task's first number`);
    expect((await task()).diallerOwner).toBe(a);
    await beforeB(taskId);
    await workers.launch(b);
    return { taskId, numbers, task, first: () => first()!, pa };
  }

  /** SIGKILL, then the survivor must hold the task within the bound; then the task is finished by it. */
  async function killedAndTakenOver(t: Awaited<ReturnType<typeof dialledByA>>, pa: ServerProcess, survivor: string, held?: (taskId: number) => Promise<void>) {
    pa.child.kill('SIGKILL');
    expect((await pa.exited).signal).toBe('SIGKILL');
    const killedAt = Date.now();
    await held?.(t.taskId);
    await waitFor(async () => (await t.task()).diallerOwner === survivor, 'the survivor to take the task over', TAKEOVER_BOUND_MS);
    console.log(`call-task takeover: lease ${LEASE_SECONDS}s, ${survivor} took the task over ${Date.now() - killedAt} ms after the kill`);
    t.first().pickUp!(10);
    await waitFor(async () => (await t.task()).status === 'COMPLETED', 'the task completed by the survivor', 300_000);
    expect(t.numbers.map((x) => sw.dialled(x))).toEqual([1, 1]);
    const phones = await orm.em.fork().find(CallTaskPhoneSchema, { task: t.taskId });
    expect(phones.map((p) => p.status)).toEqual(['answered', 'answered']);
  }

  /** Whether every queued run of the task is locked and started by `worker`. */
  const runsAllHeldBy = async (taskId: number, worker: string) => {
    const { jobs } = await scheduler.agenda.queryJobs({ name: 'call-task.run', data: { taskId } });
    return jobs.length > 0 && jobs.every((job) => job.state === 'running' && job.lastModifiedBy === worker);
  };

  it('START while the task is dialled: the dialler\'s worker holds START\'s run (waiting behind its own) when it dies', { timeout: 600_000 }, async () => {
    const t = await dialledByA('A1', 'B1', async (taskId) => {
      // START on a running task cancels the task's queued runs and queues one for now; A1 alone takes it.
      await setCallTaskStatus(orm.em.fork(), svc, actor, taskId, 'START');
      await waitFor(() => runsAllHeldBy(taskId, 'A1'), 'A1 to hold START\'s run');
    });
    await killedAndTakenOver(t, t.pa, 'B1');
  });

  it('the dialler\'s worker holds the task\'s watch when it dies (every process\'s watch of that instant is that one job)', { timeout: 600_000 }, async () => {
    const t = await dialledByA('A2', 'B2');
    const isWatch = (job: JobParameters) => String((job.data as { uniqueKey?: unknown }).uniqueKey ?? '').startsWith(`call-task:${t.taskId}:watch:`);
    await killedAndTakenOver(t, t.pa, 'B2', async (taskId) => {
      // What A2's worker leaves when killed after locking the due watch and before running it: the job store's own lock under its name.
      const locked = await waitFor(async () => {
        const { jobs } = await scheduler.agenda.queryJobs({ data: { taskId } });
        const pending = jobs.filter((job) => isWatch(job) && !job.lockedAt);
        const done = await Promise.all(pending.map((job) => scheduler.agenda.db.lockJob(job, { lastModifiedBy: 'A2' })));
        return done.filter((job) => job !== undefined).length;
      }, 'the dead worker to hold the task\'s watch');
      expect(locked).toBeGreaterThan(0);
    });
  });
});
