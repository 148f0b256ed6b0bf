import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PERMISSIONS } from '../../src/domain/auth/permissions.js';
import { CallSchema } from '../../src/domain/calls/call.entity.js';
import { CallTaskPhoneSchema } from '../../src/domain/call-tasks/call-task-phone.entity.js';
import { CallTaskSchema } from '../../src/domain/call-tasks/call-task.entity.js';
import { createCallTask, setCallTaskStatus } from '../../src/domain/call-tasks/call-task.service.js';
import { recordConsent } from '../../src/domain/compliance/consent-ledger.service.js';
import { createStaff } from '../../src/domain/staff/staff.service.js';
import { GatewayDeviceSchema } from '../../src/domain/voice-gateways/gateway-device.entity.js';
import type { Orm } from '../../src/db/orm.js';
import { createMigratedOrm, DIALECTS } from '../support/database.js';
import { waitFor } from '../support/wait-for.js';
import type { FakeOutboundCall } from '../telephony/support/fake-switch.js';
import { switchSettings } from './support/dialler-app.js';
import { DiallingSwitch } from './support/dialling-switch.js';
import { beijingTomorrow, recordingQueue } from './support/movable-clock.js';

type Dialler = { child: ChildProcess; lines: () => Array<Record<string, unknown>>; exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>; output: () => string };

/** The dialler in its own process (tsx), as a worker runs it: the real app connected to the fake switch. */
function startDialler(env: Record<string, string>): Dialler {
  const child = spawn(process.execPath, ['--import', 'tsx', 'test/call-tasks/support/dialler.main.ts'], { env: { PATH: process.env.PATH ?? '', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.on('data', (d) => (err += d));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  const lines = () => out.split('\n').filter((l) => l.startsWith('{"ready"') || l.startsWith('{"result"')).map((l) => JSON.parse(l) as Record<string, unknown>);
  return { child, lines, exited, output: () => `${out.slice(-3000)}\n${err.slice(-3000)}` };
}

/**
 * Exactly once across a crash: the dialler's process is killed (SIGKILL) when the switch has received its
 * third originate — attempts claimed, calls ringing, one result lost — and a new process takes the task over.
 * Its attempts in flight are `unknown` until the switch settles them (a live channel's hangup event; a
 * channel that no longer exists: failed OUTCOME_UNKNOWN), none is dialled twice, every number ends final.
 */
describe.each(DIALECTS)('a call task survives kill -9 of its dialler (%s)', (dialect) => {
  let sw: DiallingSwitch;
  let orm: Orm;
  let close: () => Promise<void>;
  let env: Record<string, string>;
  let dataDir: string;
  const running: ChildProcess[] = [];

  beforeAll(async () => {
    sw = await new DiallingSwitch().start([`crash-${dialect}`]);
    const db = await createMigratedOrm(dialect);
    orm = db.orm;
    close = db.close;
    dataDir = mkdtempSync(join(tmpdir(), 'dialler-crash-'));
    env = {
      NODE_ENV: 'test',
      PORT: '0',
      HOST: '127.0.0.1',
      LOG_LEVEL: 'info',
      DATA_DIR: dataDir,
      DATABASE_URL: db.db.url,
      ...switchSettings(sw),
      // The held calls must outlive a process start on a loaded machine.
      CALL_TASK_RING_SECONDS: '120',
      CLOCK_START_MS: String(beijingTomorrow('10:00').getTime()),
      // The new process is the killed one restarted under its name: it takes the task's lease back at once
      // (another process would wait for the lease to expire: test/cluster/call-task-lease.test.ts).
      JOBS_WORKER_NAME: `dialler-${dialect}`,
    };
  }, 180_000);
  afterAll(async () => {
    for (const c of running) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
    await close?.();
    await sw?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('killed at the third originate: no attempt dialled twice, lost results settled from the switch, every number final', async () => {
    const em = orm.em.fork();
    const device = em.create(GatewayDeviceSchema, { name: `crash-${dialect}`, host: '10.0.0.9', sipProfile: 'external', lineCount: 4, status: 'online' });
    const numbers = Array.from({ length: 12 }, (_, i) => `1350000${String(i).padStart(4, '0')}`);
    for (const phone of numbers) recordConsent(em, { phone, channel: 'call', state: 'granted', source: 'import' });
    await em.flush();
    const staff = await createStaff(orm.em.fork(), { name: '经理', role: 'manager' }, { actorStaffId: null, channel: 'system' });
    const actor = { staffId: staff.id, name: '经理', role: 'manager', permissions: new Set<string>(PERMISSIONS), channel: 'api' as const };
    const clock = { now: () => new Date(Number(env.CLOCK_START_MS)) };
    const svc = { jobs: recordingQueue(), clock, callerIds: async () => [], recordingSecret: 'crash-test' };
    // By originate order, not by number (a claim that fails, e.g. SQLite busy under load, is dialled later):
    // the first three ring until the test answers them; the third one's originate result never comes.
    let originates = 0;
    sw.socket.outcomes(() => {
      originates += 1;
      if (originates < 3) return { kind: 'held' };
      return originates === 3 ? { kind: 'lost', then: { kind: 'held' } } : { kind: 'answer', afterMs: 30, talkMs: 80 };
    });
    const { taskId } = await createCallTask(orm.em.fork(), svc, actor, { name: '崩溃测试', phoneNumbers: numbers, callScript: '您好', mode: 'robot', deviceIds: [device.id] });
    await setCallTaskStatus(orm.em.fork(), svc, actor, taskId, 'START');
    const taskEnv = { ...env, TASK_ID: String(taskId) };

    const a = startDialler(taskEnv);
    running.push(a.child);
    await Promise.race([sw.socket.waitForOriginate(3), a.exited.then(() => Promise.reject(new Error(`the dialler exited early:\n${a.output()}`)))]);
    a.child.kill('SIGKILL');
    expect((await a.exited).signal).toBe('SIGKILL');
    const [first, second, third] = sw.socket.calls.slice(0, 3).map((c) => c.destination) as [string, string, string];
    // Three different numbers: none was sent twice before the crash.
    expect(new Set([first, second, third]).size).toBe(3);
    expect(a.lines().some((l) => 'result' in l)).toBe(false);

    // The dead dialler's attempts: claimed (dialing, with their calls rows) and never settled by it.
    const check = () => orm.em.fork();
    const claimed = await check().find(CallTaskPhoneSchema, { task: taskId, status: 'dialing' });
    expect(claimed.length).toBeGreaterThanOrEqual(3);
    const byNumber = (x: string) => sw.socket.calls.find((c) => c.destination === x) as FakeOutboundCall;
    // The second callee answers and hangs up while no dialler listens: its hangup event is lost with the process.
    await waitFor(() => byNumber(second).pickUp, 'the second call ringing');
    byNumber(second).pickUp!(10);
    await byNumber(second).ended;

    // A new process takes the task over. The first and third calls are still ringing: it asks the switch
    // (uuid_exists), keeps their lines, and their hangup events settle them once they are answered.
    // (Its clock goes on from where the first one's stopped, as the wall clock would.)
    const b = startDialler({ ...taskEnv, CLOCK_START_MS: String(Number(env.CLOCK_START_MS) + 5 * 60_000) });
    running.push(b.child);
    for (const x of [first, third]) {
      const call = byNumber(x);
      await Promise.race([sw.socket.waitForCommand(new RegExp(`uuid_exists ${call.uuid}`)), b.exited.then(() => Promise.reject(new Error(`the new dialler exited:\n${b.output()}`)))]);
      call.pickUp!(20);
    }
    const exit = await b.exited;
    expect(exit.code, b.output()).toBe(0);
    expect(b.lines().at(-1)).toEqual({ result: 'completed' });

    const task = await check().findOneOrFail(CallTaskSchema, { id: taskId });
    expect(task.status).toBe('COMPLETED');
    const phones = await check().find(CallTaskPhoneSchema, { task: taskId }, { orderBy: { id: 'asc' } });
    const state = Object.fromEntries(phones.map((p) => [p.phone.slice(3), p]));
    // Every number is final and was attempted once; none reached the switch twice.
    expect(phones.every((p) => p.attempts === 1 && !['pending', 'dialing', 'unknown'].includes(p.status))).toBe(true);
    expect(numbers.map((x) => sw.dialled(x) <= 1)).toEqual(numbers.map(() => true));
    expect(sw.duplicates()).toBe(0);
    // Settled from the switch's events after the restart.
    expect(state[first]!.status).toBe('answered');
    expect(state[third]!.status).toBe('answered');
    // Its channel was gone when the new dialler asked: unknown for good, never redialled.
    expect([state[second]!.status, state[second]!.skipReason]).toEqual(['failed', 'OUTCOME_UNKNOWN']);
    expect(sw.dialled(second)).toBe(1);
    // A number the dead dialler had claimed but whose originate never left is not dialled blindly either.
    for (const p of phones) if (sw.dialled(p.phone.slice(3)) === 0) expect([p.status, p.skipReason]).toEqual(['failed', 'OUTCOME_UNKNOWN']);
    // One call model: one calls row per attempt, each ended with an outcome.
    const calls = await check().find(CallSchema, { task: taskId });
    expect(calls.length).toBe(numbers.length);
    expect(calls.every((c) => c.endedAt && c.outcome)).toBe(true);
  }, 240_000);
});
