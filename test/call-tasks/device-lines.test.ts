import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CallSchema } from '../../src/domain/calls/call.entity.js';
import { CallTaskSchema } from '../../src/domain/call-tasks/call-task.entity.js';
import { DialPump } from '../../src/domain/call-tasks/dial-pump.js';
import { deviceLineFree } from '../../src/domain/call-tasks/device-lines.js';
import { readCommitted } from '../../src/db/read-committed.js';
import { runCallTask, type DiallerDeps } from '../../src/domain/call-tasks/dialler.js';
import { recordConsent } from '../../src/domain/compliance/consent-ledger.service.js';
import type { SwitchPort } from '../../src/domain/ports/switch.port.js';
import { GatewayDeviceSchema } from '../../src/domain/voice-gateways/gateway-device.entity.js';
import { DIALECTS } from '../support/database.js';
import { waitFor } from '../support/wait-for.js';
import { bootDiallerApp, type DiallerApp } from './support/dialler-app.js';
import { beijingTomorrow, MovableClock, recordingQueue } from './support/movable-clock.js';

const BASE = '/api/v1/lead-generation';
/** What a dialler logs when the device's lines all carry calls it does not hold. */
const REFUSED = 'lines of the device all carry other processes\' calls: the number waits';

/**
 * A device's lines as the claim counts them, on both dialects: calls this process does not hold in its line
 * book count whoever dials their task now (a task just taken over from a dead dialler), a refused number goes
 * to another free device at once, a hangup heard frees the device at once, and a switch port that never
 * acknowledges an originate does not stop the device. The pumps here are driven by their events only (no
 * control loop ticks), so a number waiting for a tick would wait for ever.
 */
describe.each(DIALECTS)('call-task device lines (%s)', (dialect) => {
  let t: DiallerApp;
  let token: string;
  const clock = new MovableClock(beijingTomorrow('10:00'));
  let serial = 0;
  const logged: string[] = [];

  beforeAll(async () => {
    t = await bootDiallerApp(dialect, { env: { MARKETING_HOURS: '09:00-20:00' }, clock });
    token = (await t.staffWithToken('manager')).token;
  }, 180_000);
  afterAll(async () => {
    await t?.close();
  });

  const dialler = (extra: Partial<DiallerDeps> = {}): DiallerDeps => ({ ...t.app.callTasks.dialler(), jobs: recordingQueue(), log: (_f, message) => logged.push(message), ...extra });
  async function devices(...lines: number[]) {
    const made = [];
    for (const n of lines) made.push(await t.device(`dl-${dialect}-${++serial}`, n));
    return t.app.orm.em.fork().find(GatewayDeviceSchema, { id: { $in: made.map((d) => d.id) } }, { orderBy: { id: 'asc' } });
  }
  async function numbers(count: number): Promise<string[]> {
    const base = ++serial * 100;
    const list = Array.from({ length: count }, (_, i) => `1391${String(base + i).padStart(7, '0')}`);
    const em = t.app.orm.em.fork();
    for (const phone of list) recordConsent(em, { phone, channel: 'call', state: 'granted', source: 'import' });
    await em.flush();
    for (const x of list) t.sw.socket.outcome(x, { kind: 'answer', afterMs: 5, talkMs: 20 });
    return list;
  }
  /** A task RUNNING and dialled by this process (its lease taken), as a run leaves it before its pump starts. */
  async function runningTask(deps: DiallerDeps, phoneNumbers: string[], deviceIds: number[]) {
    const res = await t.call('POST', `${BASE}/call-tasks`, { token, json: { name: `线路${++serial}`, callScript: '您好', mode: 'robot', phoneNumbers, deviceIds } });
    expect(res.status).toBe(201);
    const id = res.body.data.taskId as number;
    await t.app.orm.em.fork().nativeUpdate(CallTaskSchema, { id }, { status: 'RUNNING', startedTime: clock.now(), lastLineOkAt: clock.now(), diallerOwner: deps.leases.owner, diallerLeaseUntil: new Date(Date.now() + 3_600_000) });
    return (await t.app.orm.em.fork().findOne(CallTaskSchema, { id }))!;
  }
  /** A task call on the device not ended (ringing), placed by a dialler that is not in this process's book. */
  async function ringingCall(deviceId: number, taskId: number | null): Promise<string> {
    const em = t.app.orm.em.fork();
    const uuid = randomUUID();
    em.create(CallSchema, { uuid, direction: 'outbound', source: 'task', task: taskId, deviceId, callee: '13900000000', calleeLast8: '00000000', startedAt: clock.now() });
    await em.flush();
    return uuid;
  }
  const dialled = (x: string) => t.sw.dialled(x);

  it('an attempt claimed ahead while a claim waited for the device\'s lock is this process\'s: left out of that claim\'s count', async () => {
    const [gw] = await devices(1);
    const now = clock.now();
    // This process holds the device's one line (call `held`). A claim of it starts; meanwhile the next attempt
    // is claimed ahead and takes the device's lock first (MariaDB runs them on two connections).
    const held = randomUUID();
    const ahead = randomUUID();
    const armed: string[] = [];
    let release!: () => void;
    const locked = new Promise<void>((r) => (release = r));
    let inLock!: () => void;
    const lockTaken = new Promise<void>((r) => (inLock = r));
    // As the claims run (attempt-claim.ts): READ COMMITTED on MariaDB.
    const em = () => t.app.orm.em.fork();
    const claimAhead = em().transactional(async (tx) => {
      expect(await deviceLineFree(tx, { deviceId: gw!.id, held: () => [held], ended: () => [], ahead: true, now })).toBe(true);
      tx.create(CallSchema, { uuid: ahead, direction: 'outbound', source: 'task', deviceId: gw!.id, callee: '+8613900000000', calleeLast8: '13900000', startedAt: now, claimedAhead: true });
      await tx.flush();
      inLock();
      await locked;
    }, readCommitted(em()));
    await lockTaken;
    const claim = em().transactional((tx) => deviceLineFree(tx, { deviceId: gw!.id, held: () => [held], ended: () => [], armed: () => armed, now }), readCommitted(em()));
    // The pump knows the attempt claimed ahead before its row commits (dial-pump.ts, #aheadClaiming).
    armed.push(ahead);
    release();
    await claimAhead;
    // It takes the line `held` frees: the claim sees one call of the device's one line here, not two.
    expect(await claim).toBe(true);
  });

  it('a switch port that never acknowledges an originate does not stop the device: the next waits for the result instead', async () => {
    const [gw] = await devices(4);
    const list = await numbers(3);
    const port = t.app.telephony!.switch;
    const silent: SwitchPort = { ...port, originate: (request) => port.originate({ ...request, accepted: undefined }) };
    const res = await t.call('POST', `${BASE}/call-tasks`, { token, json: { name: '不确认', callScript: '您好', mode: 'robot', phoneNumbers: list, deviceIds: [gw!.id] } });
    const id = res.body.data.taskId as number;
    await t.call('PUT', `${BASE}/call-tasks/${id}/status`, { token, json: { action: 'START' } });
    expect(await runCallTask(dialler({ switch: silent }), id, { budgetMs: 120_000 })).toBe('completed');
    expect(list.map(dialled)).toEqual([1, 1, 1]);
  }, 180_000);

  it('a number refused on a device full with calls not held here goes to another free device of the task at once', async () => {
    const [full, free] = await devices(1, 1);
    await ringingCall(full!.id, null);
    const [x] = await numbers(1);
    const deps = dialler();
    const task = await runningTask(deps, [x!], [full!.id, free!.id]);
    const pump = new DialPump(deps, task.id);
    pump.configure(task, [full!, free!]);
    try {
      await pump.look();
      // The pump took the full device first (the lowest id of two equally free), was refused, and goes on.
      await waitFor(() => dialled(x!) === 1, 'the number dialled on the other device');
      expect(t.sw.spans.find((s) => s.call.destination === x)?.gateway).toBe(free!.name);
    } finally {
      await pump.halt();
    }
  }, 180_000);

  it('calls of a task this process has just taken over count until they end; a hangup heard frees the device at once', async () => {
    // A dead dialler's four calls of T1 still ring on the 4-line device; this process has taken T1's lease
    // (its run has not adopted them yet). Its claim for its own T2 on the device finds the lines all taken.
    const [gw] = await devices(4);
    const deps = dialler();
    const [x] = await numbers(1);
    const t1 = await runningTask(deps, await numbers(4), [gw!.id]);
    const ringing = [];
    for (let i = 0; i < 4; i++) ringing.push(await ringingCall(gw!.id, t1.id));
    const t2 = await runningTask(deps, [x!], [gw!.id]);
    const pump = new DialPump(deps, t2.id);
    pump.configure(t2, [gw!]);
    try {
      const before = logged.length;
      await pump.look();
      await waitFor(() => dialled(x!) > 0 || logged.slice(before).includes(REFUSED), 'the claim counted');
      expect(dialled(x!)).toBe(0);
      // One of the four hangs up (heard by every process; its row is settled after): the number goes out now.
      t.app.telephony!.switch.emitCallEnded({ callId: ringing[0]!, endedAt: new Date(), hangupCause: 'NORMAL_CLEARING', answeredAt: null, recordingPath: null, digit: null, vars: { salesops_device_id: String(gw!.id) } });
      await waitFor(() => dialled(x!) === 1, 'the number dialled on the line freed');
    } finally {
      await pump.halt();
    }
  }, 180_000);
});
