import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { claimAttempt, giveBackAttempt } from '../../src/domain/call-tasks/attempt-claim.js';
import { CallTaskSchema } from '../../src/domain/call-tasks/call-task.entity.js';
import { runCallTask } from '../../src/domain/call-tasks/dialler.js';
import { CallSchema } from '../../src/domain/calls/call.entity.js';
import { TaskLeases } from '../../src/domain/call-tasks/task-lease.js';
import { GatewayDeviceSchema } from '../../src/domain/voice-gateways/gateway-device.entity.js';
import { start, type RunningApp } from '../../src/main.js';
import { waitFor } from '../support/wait-for.js';
import { callTaskFixture } from './support/call-task-fixture.js';
import { switchSettings } from './support/dialler-app.js';
import { recordingQueue } from './support/movable-clock.js';
import { RowLocks } from './support/row-locks.js';

/**
 * An attempt claimed ahead (attempt-claim.ts) raced by what commits at the same moment, on MariaDB with real
 * parallel connections. Each interleaving is driven, not hoped for: a third connection holds a row lock that
 * one side needs, the other side is started, both are seen waiting on a lock, then the hold ends
 * (support/row-locks.ts). A takeover is a second app instance on the same database and switch (its own line
 * book and lease owner) taking over from a holder that is alive but stalled.
 */
describe('claimed ahead: races on MariaDB', () => {
  const f = callTaskFixture('mysql');
  const { clock, startedTask, put, phonesOf, dialler } = f;
  let locks: RowLocks;
  /** Another process of the deployment: it takes over a task whose holder it believes dead. */
  let survivor: RunningApp;

  beforeAll(async () => {
    locks = await RowLocks.open(f.t.db.url);
    survivor = await start({ NODE_ENV: 'test', PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'silent', DATA_DIR: f.t.app.config.dataDir, DATABASE_URL: f.t.db.url, ...switchSettings(f.t.sw) }, { clock });
    await survivor.telephony!.events.ready();
  }, 180_000);
  afterAll(async () => {
    await locks?.end();
    await survivor?.stop();
  });

  const waiting = (...patterns: RegExp[]) => locks.waiting(...patterns);
  const hold = (table: string, id: number) => locks.hold(table, id);
  const release = () => locks.release();

  /** The first number of a started task claimed ahead by this process (as the pump does while every line rings), the rest pending. */
  async function claimedAhead(count: number) {
    const { id, list, gw } = await startedTask(1, count);
    const deps = dialler();
    const em = f.t.app.orm.em.fork();
    expect(await deps.leases.take(em, id)).toBe(true);
    const task = await em.findOneOrFail(CallTaskSchema, { id });
    const [phone] = await phonesOf(id);
    const device = await em.findOneOrFail(GatewayDeviceSchema, { id: gw.id });
    const callId = randomUUID();
    expect(await claimAttempt(deps, task, phone!, device, callId, new Map(), { ahead: true, armed: () => [] })).toMatchObject({ callId, attempt: 1 });
    await deps.leases.release(em, id);
    const giveBack = () => giveBackAttempt(f.t.app.orm.em, phone!.id, callId, { attempts: 0, lastCallId: null, lastAttemptAt: null });
    return { id, list, phoneId: phone!.id, callId, giveBack };
  }
  const callRow = (callId: string) => f.t.app.orm.em.fork().findOne(CallSchema, { uuid: callId });

  it('give-back against cancel, either way round: the number ends cancelled with no attempt and no call row, never dialled', async () => {
    // (a) The cancel has updated the task and waits for another number's row; the give-back has deleted the
    // call row and waits for the task's share lock. The hold ends: the cancel commits, then the give-back
    // reads the task CANCELLED.
    // (b) The give-back holds the task's share lock and waits for its number's row; the cancel waits to update
    // the task. The hold ends: the number is pending, then the cancel cancels it.
    for (const order of ['cancel first', 'give-back first'] as const) {
      const { id, list, phoneId, callId, giveBack } = await claimedAhead(2);
      const other = (await phonesOf(id))[1]!.id;
      let cancel: ReturnType<typeof put>;
      let back: Promise<boolean>;
      if (order === 'cancel first') {
        await hold('t_call_task_phones', other);
        cancel = put(id, 'cancel');
        await waiting(/^update `t_call_task_phones`/);
        back = giveBack();
        await waiting(/^update `t_call_task_phones`/, /^select .* from `t_call_task` .* lock in share mode/);
      } else {
        await hold('t_call_task_phones', phoneId);
        back = giveBack();
        await waiting(/^update `t_call_task_phones`/);
        cancel = put(id, 'cancel');
        await waiting(/^update `t_call_task_phones`/, /^update `t_call_task`/);
      }
      await release();
      expect((await cancel).status).toBe(200);
      expect(await back).toBe(true);
      expect((await phonesOf(id)).map((p) => [p.status, p.attempts, p.lastCallId, p.skipReason])).toEqual(list.map(() => ['cancelled', 0, null, 'CANCELLED']));
      expect(await callRow(callId)).toBeNull();
      expect(await runCallTask(dialler(), id)).toBe('cancelled');
      expect(list.map((x) => f.t.sw.dialled(x))).toEqual([0, 0]);
    }
  }, 180_000);

  it('give-back against STOP: the number is pending again with no attempt, and dialled once after START', async () => {
    // The give-back holds the task's share lock and waits for its number's row; STOP waits to update the task.
    const { id, list, phoneId, callId, giveBack } = await claimedAhead(2);
    await hold('t_call_task_phones', phoneId);
    const back = giveBack();
    await waiting(/^update `t_call_task_phones`/);
    const stop = put(id, 'status', { action: 'STOP' });
    await waiting(/^update `t_call_task_phones`/, /^update `t_call_task`/);
    await release();
    expect((await stop).body.data).toEqual({ taskId: id, status: 'STOPPED' });
    expect(await back).toBe(true);
    expect((await phonesOf(id)).map((p) => [p.status, p.attempts, p.lastCallId])).toEqual(list.map(() => ['pending', 0, null]));
    expect(await callRow(callId)).toBeNull();
    expect(await runCallTask(dialler(), id)).toBe('stopped');
    expect(list.map((x) => f.t.sw.dialled(x))).toEqual([0, 0]);
    expect((await put(id, 'status', { action: 'START' })).status).toBe(200);
    expect(await runCallTask(dialler(), id, { budgetMs: 120_000 })).toBe('completed');
    expect(list.map((x) => f.t.sw.dialled(x))).toEqual([1, 1]);
    expect(f.t.sw.socket.calls.some((c) => c.uuid === callId)).toBe(false);
  }, 180_000);

  const callsTo = (list: string[]) => f.t.sw.socket.calls.filter((c) => list.includes(c.destination));

  /**
   * A robot task dialled by a holder that stalls: both lines of its 2-line device ring (until the test answers
   * them) and the third number is claimed ahead. Its heartbeat never comes within the test (the lease is
   * an hour), so the test expires the lease as if the holder had died.
   */
  async function stalledHolder() {
    const { id, list } = await startedTask(2, 3);
    for (const x of list.slice(0, 2)) f.t.sw.socket.outcome(x, { kind: 'held' });
    const run = runCallTask(dialler({ leases: new TaskLeases('stalled-holder', 60 * 60_000) }), id, { budgetMs: 120_000 });
    await waitFor(() => callsTo(list).length === 2, 'both lines ringing');
    const armed = await waitFor(() => f.t.app.orm.em.fork().findOne(CallSchema, { task: id, claimedAhead: true }), 'the third number claimed ahead');
    expect(armed.callee.endsWith(list[2]!)).toBe(true);
    const expire = () => f.t.app.orm.em.fork().nativeUpdate(CallTaskSchema, { id }, { diallerLeaseUntil: new Date(Date.now() - 60_000) });
    const takeOver = () => runCallTask({ ...survivor.callTasks.dialler(), jobs: recordingQueue() }, id, { lookAgain: true, budgetMs: 120_000 });
    return { id, list, run, armedCallId: armed.uuid, expire, takeOver };
  }

  it('takeover: the survivor\'s give-back wins over the stalled holder\'s let-go, which changes nothing and never originates; the survivor dials the number once', async () => {
    const { id, list, run, armedCallId, expire, takeOver } = await stalledHolder();
    // The survivor takes the task over and gives the attempt back: its call row deleted, held at the number's row.
    await hold('t_call_task_phones', (await phonesOf(id))[2]!.id);
    await expire();
    const survivorRun = takeOver();
    await waiting(/^update `t_call_task_phones`/);
    // A line of the stalled holder frees: its let-go finds the task no longer its own (0 rows), and its own give-back waits for the survivor's.
    callsTo(list)[0]!.pickUp!(5);
    const leftAnyway = () => f.t.sw.socket.calls.some((c) => c.uuid === armedCallId);
    await waitFor(async () => leftAnyway() || (await locks.lockWaits()).some((q) => /^(update calls set claimed_ahead|delete from `calls`)/.test(q)), 'the stalled holder waiting (or its originate)');
    expect(leftAnyway()).toBe(false);
    await release();
    expect(await run).toBe('leased');
    // The attempt claimed ahead never left; the survivor dialled the number once, with a call id of its own.
    await waitFor(() => f.t.sw.dialled(list[2]!) === 1, 'the survivor dialling the third number');
    callsTo(list)[1]!.pickUp!(5);
    expect(await survivorRun).toBe('completed');
    expect(f.t.sw.socket.calls.some((c) => c.uuid === armedCallId)).toBe(false);
    expect(await callRow(armedCallId)).toBeNull();
    expect(list.map((x) => f.t.sw.dialled(x))).toEqual([1, 1, 1]);
    expect((await phonesOf(id)).map((p) => [p.status, p.attempts])).toEqual(list.map(() => ['answered', 1]));
    expect(f.t.sw.duplicates()).toBe(0);
  }, 180_000);

  it('takeover: the stalled holder\'s let-go wins (it was under way before the lease was taken), so the survivor does not give the attempt back and never dials it; it leaves once', async () => {
    const { id, list, run, armedCallId, expire, takeOver } = await stalledHolder();
    await expire();
    // The task row is held: the stalled holder's let-go (its line freed) waits to read it, and the survivor's lease take after it.
    await hold('t_call_task', id);
    callsTo(list)[0]!.pickUp!(5);
    await waiting(/^update calls set claimed_ahead/);
    const survivorRun = takeOver();
    await waiting(/^update calls set claimed_ahead/, /^update `t_call_task` set `dialler_owner`/);
    await release();
    // The let-go committed first: the attempt leaves from the stalled holder; the survivor, taking over after, finds it let go.
    await waitFor(() => f.t.sw.socket.calls.some((c) => c.uuid === armedCallId), 'the attempt claimed ahead leaving');
    expect(await run).toBe('leased');
    expect(await callRow(armedCallId)).toMatchObject({ claimedAhead: false });
    callsTo(list)[1]!.pickUp!(5);
    expect(await survivorRun).toBe('completed');
    expect(list.map((x) => f.t.sw.dialled(x))).toEqual([1, 1, 1]);
    expect((await phonesOf(id)).map((p) => [p.status, p.attempts, p.lastCallId === armedCallId])).toEqual([['answered', 1, false], ['answered', 1, false], ['answered', 1, true]]);
    expect(f.t.sw.duplicates()).toBe(0);
  }, 180_000);
});
