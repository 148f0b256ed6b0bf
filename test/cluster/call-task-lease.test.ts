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
import type { ServerProcess } from '../support/server-process.js';
import { waitFor } from '../support/wait-for.js';
import type { FakeOutboundCall } from '../telephony/support/fake-switch.js';
import { DiallingSwitch } from '../call-tasks/support/dialling-switch.js';
import { beijingTomorrow } from '../call-tasks/support/movable-clock.js';
import { diallerWorkers, type DiallerWorkers } from './support/dialler-workers.js';

const LINES = 4;
const NUMBERS = 20;
/** Long enough that a live process's heartbeat is not outrun on a loaded machine (it beats every quarter). */
const LEASE_SECONDS = 12;

/**
 * One call task, two app processes (A and B, each with its own line book and job worker) on one MariaDB
 * database and one switch. The process whose worker takes START's job dials the task; the other runs the
 * same task's dialler too and is refused by the task's lease. The dialling process is killed (SIGKILL) with
 * four calls ringing; one of them ends while nobody dials the task (the survivor settles it from the hangup
 * event). Once the dead process's lease has expired, the task's watch (a `call-task.run` job the holder
 * keeps queued one lease time ahead) runs in the survivor and takes the task over: the dead process's calls
 * keep their lines until they end and are settled from the switch (asked with uuid_exists, then their
 * hangup events), and the survivor dials the rest. The switch never has more than four calls on the device,
 * no number and no call id is dialled twice, every number ends final.
 */
describe('one call task, two processes, the dialling one killed', () => {
  let workers: DiallerWorkers | undefined;
  let sw: DiallingSwitch | undefined;
  let orm: Orm | undefined;
  let close: (() => Promise<void>) | undefined;
  let scheduler: BuiltScheduler | undefined;

  afterAll(async () => {
    await workers?.stop();
    await scheduler?.stop({ timeoutMs: 5000 });
    await close?.();
    await sw?.stop();
  });

  it('never more calls than lines, each number dialled once, the task taken over and finished by the survivor', { timeout: 900_000 }, async () => {
    sw = await new DiallingSwitch().start(['lease-gw']);
    const db = await createMigratedOrm('mysql');
    orm = db.orm;
    close = db.close;
    workers = diallerWorkers({
      sw,
      databaseUrl: db.db.url,
      clockStart: beijingTomorrow('10:00').getTime(),
      env: {
        JOBS_ENABLED: 'true',
        JOBS_PROCESS_EVERY_MS: '200',
        CALL_TASK_LEASE_SECONDS: String(LEASE_SECONDS),
        // A's calls ring on until the test answers them, whatever the machine's load.
        CALL_TASK_RING_SECONDS: '120',
      },
    });
    const launch = workers.launch;

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

    // Both processes up; each will run the task's dialler: through the job START queues, or at once.
    const apps = new Map<string, ServerProcess>();
    await Promise.all(['A', 'B'].map(async (name) => apps.set(name, await launch(name, { RUN_TASK_ID: String(taskId) }))));
    await setCallTaskStatus(orm.em.fork(), svc, actor, taskId, 'START');
    // Whichever process's worker took the job dials the task and fills the four lines.
    await sw.socket.waitForOriginate(LINES);
    const dialling = (await task()).diallerOwner!;
    const other = dialling === 'A' ? 'B' : 'A';
    const [x, y] = [apps.get(dialling)!, apps.get(other)!];
    // The other runs the same task's dialler at once: the lease refuses it, and nothing more is dialled.
    expect(await y.logged('dialler run returned')).toMatchObject({ result: 'leased', owner: dialling });
    expect(sw.socket.calls).toHaveLength(LINES);
    expect((await task()).diallerOwner).toBe(dialling);

    // The dialling process dies with its four calls ringing.
    x.child.kill('SIGKILL');
    expect((await x.exited).signal).toBe('SIGKILL');
    const killedAt = Date.now();
    const commandsBefore = sw.socket.commands.length;
    const byNumber = (n: string) => sw!.socket.calls.find((c) => c.destination === n) as FakeOutboundCall;
    // The first callee answers while nobody dials the task: the survivor hears the hangup and settles the call.
    byNumber(held[0]!).pickUp!(10);
    await waitFor(async () => (await orm!.em.fork().findOneOrFail(CallTaskPhoneSchema, { task: taskId, phone: `+86${held[0]}` })).status === 'answered', 'the first call settled from its hangup');

    // The task's watch takes it over once the dead process's lease has expired…
    await waitFor(async () => (await task()).diallerOwner === other, 'the survivor to take the task over', 300_000);
    const tookOverMs = Date.now() - killedAt;
    // …and asks the switch about the dead process's calls still ringing: they keep their lines.
    const askedAbout = (n: string) => sw!.socket.commands.slice(commandsBefore).some((c) => c.includes(`uuid_exists ${byNumber(n).uuid}`));
    await waitFor(() => held.slice(1).every(askedAbout), 'the survivor to ask the switch about the calls in flight');
    // While they ring it dials on the one free line only (the first call's).
    await waitFor(() => sw!.socket.calls.length >= LINES + 1, 'the survivor to dial on the free line');
    for (const n of held.slice(1)) byNumber(n).pickUp!(20);

    await waitFor(async () => (await task()).status === 'COMPLETED', 'the task completed by the survivor', 600_000);
    console.log(`call-task lease: lease ${LEASE_SECONDS}s, ${other} took the task over ${tookOverMs} ms after ${dialling} was killed; ${sw.socket.calls.length} originates, peak ${sw.peakPerGateway().get('lease-gw')} on ${LINES} lines`);

    expect(sw.peakPerGateway().get('lease-gw')).toBeLessThanOrEqual(LINES);
    expect(sw.duplicates()).toBe(0);
    expect(numbers.map((x) => sw!.dialled(x))).toEqual(numbers.map(() => 1));
    const phones = await orm.em.fork().find(CallTaskPhoneSchema, { task: taskId });
    expect(phones.map((p) => [p.status, p.attempts])).toEqual(phones.map(() => ['answered', 1]));
    const calls = await orm.em.fork().find(CallSchema, { task: taskId });
    expect(calls).toHaveLength(NUMBERS);
    expect(calls.every((c) => c.endedAt && c.outcome === 'answered')).toBe(true);
    // The survivor's run gives the task back when it sees it completed.
    await waitFor(async () => (await task()).diallerOwner === null, 'the survivor to give the task back');
  });
});
