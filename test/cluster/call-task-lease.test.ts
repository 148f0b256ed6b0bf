import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { PERMISSIONS } from '../../src/domain/auth/permissions.js';
import { CallSchema } from '../../src/domain/calls/call.entity.js';
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
import { startServer, type ServerProcess } from '../support/server-process.js';
import { waitFor } from '../support/wait-for.js';
import type { FakeOutboundCall } from '../telephony/support/fake-switch.js';
import { switchSettings } from '../call-tasks/support/dialler-app.js';
import { DiallingSwitch } from '../call-tasks/support/dialling-switch.js';
import { beijingTomorrow } from '../call-tasks/support/movable-clock.js';

const LINES = 4;
const NUMBERS = 20;
const LEASE_SECONDS = 5;

/**
 * One call task, two app processes (A and B, each with its own line book and job worker) on one MariaDB
 * database and one switch. A dials the task (its `call-task.run` job); B asks to dial it too and is refused
 * by the task's lease. A is killed (SIGKILL) with four calls ringing; one of them ends while nobody dials the
 * task (B settles it from the hangup event). Once A's lease has expired, B's job worker runs A's job again
 * and takes the task over: A's calls keep their lines until they end, are settled from the switch (asked
 * with uuid_exists, then their hangup events), and B dials the rest. The switch never has more than four
 * calls on the device, no number and no call id is dialled twice, every number ends final.
 */
describe('one call task, two processes, the dialling one killed', () => {
  const dirs: string[] = [];
  const procs: ServerProcess[] = [];
  let sw: DiallingSwitch | undefined;
  let orm: Orm | undefined;
  let close: (() => Promise<void>) | undefined;
  let scheduler: BuiltScheduler | undefined;

  afterAll(async () => {
    for (const p of procs) if (p.child.exitCode === null && p.child.signalCode === null) p.child.kill('SIGKILL');
    await Promise.all(procs.map((p) => p.exited));
    await scheduler?.stop({ timeoutMs: 5000 });
    await close?.();
    await sw?.stop();
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  });

  it('never more calls than lines, each number dialled once, the task taken over and finished by B', { timeout: 900_000 }, async () => {
    sw = await new DiallingSwitch().start(['lease-gw']);
    const db = await createMigratedOrm('mysql');
    orm = db.orm;
    close = db.close;
    const clockStart = beijingTomorrow('10:00').getTime();
    const env = (name: string, extra: Record<string, string> = {}): Record<string, string> => {
      const dir = mkdtempSync(join(tmpdir(), `task-lease-${name}-`));
      dirs.push(dir);
      return {
        NODE_ENV: 'test',
        PORT: '0',
        HOST: '127.0.0.1',
        LOG_LEVEL: 'info',
        DATA_DIR: dir,
        DATABASE_URL: db.db.url,
        ...switchSettings(sw!),
        JOBS_ENABLED: 'true',
        JOBS_PROCESS_EVERY_MS: '200',
        JOBS_WORKER_NAME: name,
        CALL_TASK_LEASE_SECONDS: String(LEASE_SECONDS),
        // A's calls ring on until the test answers them, whatever the machine's load.
        CALL_TASK_RING_SECONDS: '120',
        CLOCK_START_MS: String(clockStart),
        ...extra,
      };
    };
    const launch = async (name: string, extra?: Record<string, string>) => {
      const p = startServer(env(name, extra), { command: [process.execPath, '--import', 'tsx', 'test/cluster/support/dialler-worker.main.ts'] });
      procs.push(p);
      await p.logged('dialler worker ready');
      return p;
    };

    // The task: 20 numbers with consent on one 4-line device; the first four ring until the test answers them.
    const em = orm.em.fork();
    const device = em.create(GatewayDeviceSchema, { name: 'lease-gw', host: '10.0.0.9', sipProfile: 'external', lineCount: LINES, status: 'online' });
    const numbers = Array.from({ length: NUMBERS }, (_, i) => `1360000${String(i).padStart(4, '0')}`);
    for (const phone of numbers) recordConsent(em, { phone, channel: 'call', state: 'granted', source: 'import' });
    await em.flush();
    const held = numbers.slice(0, LINES);
    for (const x of held) sw.socket.outcome(x, { kind: 'held' });
    const staff = await createStaff(orm.em.fork(), { name: '经理', role: 'manager' }, { actorStaffId: null, channel: 'system' });
    const actor = { staffId: staff.id, name: '经理', role: 'manager', permissions: new Set<string>(PERMISSIONS), channel: 'api' as const };
    scheduler = buildScheduler(createJobBackend({ mongodbUrl: undefined, orm }), new JobRegistry(), { workerName: 'test', processEveryMs: 60_000, maxConcurrency: 1, log: { info() {}, warn() {}, error() {} } });
    await scheduler.connect();
    // START queues the run for now (the job store's time); the processes' own clocks are in the calling window.
    const svc = { jobs: createAgendaJobQueue(scheduler.agenda), clock: { now: () => new Date() }, callerIds: async () => [], recordingSecret: 'lease-test' };
    const { taskId } = await createCallTask(orm.em.fork(), svc, actor, { name: '租约测试', phoneNumbers: numbers, callScript: '您好', mode: 'robot', deviceIds: [device.id] });
    const task = () => orm!.em.fork().findOneOrFail(CallTaskSchema, { id: taskId });

    // A alone: START queues the run, A's job worker runs it and fills the four lines.
    const a = await launch('A');
    await setCallTaskStatus(orm.em.fork(), svc, actor, taskId, 'START');
    await Promise.race([sw.socket.waitForOriginate(LINES), a.exited.then(() => Promise.reject(new Error(`A exited:\n${a.out().slice(-3000)}`)))]);
    expect((await task()).diallerOwner).toBe('A');

    // B starts and runs the same task's dialler at once: the lease refuses it, and nothing more is dialled.
    const b = await launch('B', { RUN_TASK_ID: String(taskId) });
    expect((await b.logged('dialler run returned'))['result']).toBe('leased');
    expect(sw.socket.calls).toHaveLength(LINES);
    expect((await task()).diallerOwner).toBe('A');

    // A dies with its four calls ringing.
    a.child.kill('SIGKILL');
    expect((await a.exited).signal).toBe('SIGKILL');
    const killedAt = Date.now();
    const byNumber = (x: string) => sw!.socket.calls.find((c) => c.destination === x) as FakeOutboundCall;
    // The first callee answers while nobody dials the task: B hears the hangup and settles the call.
    byNumber(held[0]!).pickUp!(10);
    await waitFor(async () => (await orm!.em.fork().findOneOrFail(CallTaskPhoneSchema, { task: taskId, phone: `+86${held[0]}` })).status === 'answered', 'the first call settled by B from its hangup');

    // B takes the task over once A's lease has expired: it asks the switch about A's calls still ringing…
    for (const x of held.slice(1)) await sw.socket.waitForCommand(new RegExp(`uuid_exists ${byNumber(x).uuid}`));
    const tookOverMs = Date.now() - killedAt;
    expect((await task()).diallerOwner).toBe('B');
    // …which keep their lines: while they ring, B has one free line (the first call's).
    await waitFor(() => sw!.socket.calls.length >= LINES + 1, 'B to dial on the free line');
    for (const x of held.slice(1)) byNumber(x).pickUp!(20);

    await waitFor(async () => (await task()).status === 'COMPLETED', 'the task completed by B', 600_000);
    console.log(`call-task lease: lease ${LEASE_SECONDS}s, B took the task over ${tookOverMs} ms after A was killed; ${sw.socket.calls.length} originates, peak ${sw.peakPerGateway().get('lease-gw')} on ${LINES} lines`);

    expect(sw.peakPerGateway().get('lease-gw')).toBeLessThanOrEqual(LINES);
    expect(sw.duplicates()).toBe(0);
    expect(numbers.map((x) => sw!.dialled(x))).toEqual(numbers.map(() => 1));
    const phones = await orm.em.fork().find(CallTaskPhoneSchema, { task: taskId });
    expect(phones.map((p) => [p.status, p.attempts])).toEqual(phones.map(() => ['answered', 1]));
    const calls = await orm.em.fork().find(CallSchema, { task: taskId });
    expect(calls).toHaveLength(NUMBERS);
    expect(calls.every((c) => c.endedAt && c.outcome === 'answered')).toBe(true);
    // B's run gave the task back when it ended.
    expect((await task()).diallerOwner).toBeNull();
  });
});
