import { randomUUID } from 'node:crypto';
import { createConnection, type Connection } from 'mysql2/promise';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { claimAttempt, giveBackAttempt } from '../../src/domain/call-tasks/attempt-claim.js';
import { CallTaskPhoneSchema } from '../../src/domain/call-tasks/call-task-phone.entity.js';
import { CallTaskSchema } from '../../src/domain/call-tasks/call-task.entity.js';
import { runCallTask, type DiallerDeps } from '../../src/domain/call-tasks/dialler.js';
import { CallSchema } from '../../src/domain/calls/call.entity.js';
import { recordConsent } from '../../src/domain/compliance/consent-ledger.service.js';
import { GatewayDeviceSchema } from '../../src/domain/voice-gateways/gateway-device.entity.js';
import { waitFor } from '../support/wait-for.js';
import { bootDiallerApp, type DiallerApp } from './support/dialler-app.js';
import { beijingTomorrow, MovableClock, recordingQueue } from './support/movable-clock.js';

const BASE = '/api/v1/lead-generation';

/**
 * An attempt claimed ahead (attempt-claim.ts) raced by what commits at the same moment, on MariaDB with real
 * parallel connections. Each interleaving is driven, not hoped for: a third connection holds a row lock that
 * one side needs, the other side is started, both are seen waiting on a lock (information_schema.innodb_trx,
 * this test database's sessions only), then the hold ends.
 */
describe('claimed ahead: races on MariaDB', () => {
  let t: DiallerApp;
  let token: string;
  let holder: Connection;
  const clock = new MovableClock(beijingTomorrow('10:00'));
  let serial = 0;

  beforeAll(async () => {
    t = await bootDiallerApp('mysql', { clock });
    token = (await t.staffWithToken('manager')).token;
    holder = await createConnection(t.db.url);
  }, 180_000);
  afterAll(async () => {
    await holder?.end();
    await t?.close();
  });

  const dialler = (extra: Partial<DiallerDeps> = {}): DiallerDeps => ({ ...t.app.callTasks.dialler(), jobs: recordingQueue(), ...extra });
  const put = (id: number, path: 'status' | 'cancel', json?: unknown) => t.call('PUT', `${BASE}/call-tasks/${id}/${path}`, { token, json });
  const phonesOf = (id: number) => t.app.orm.em.fork().find(CallTaskPhoneSchema, { task: id }, { orderBy: { id: 'asc' } });

  /** A running robot task of `count` numbers with consent on a device of `lines` lines. */
  async function startedTask(lines: number, count: number) {
    const gw = await t.device(`race-${++serial}`, lines);
    const list = Array.from({ length: count }, (_, i) => `1350${String(serial * 100 + i).padStart(7, '0')}`);
    const em = t.app.orm.em.fork();
    for (const phone of list) recordConsent(em, { phone, channel: 'call', state: 'granted', source: 'import' });
    await em.flush();
    const res = await t.call('POST', `${BASE}/call-tasks`, { token, json: { name: `竞态${serial}`, callScript: '您好', mode: 'robot', phoneNumbers: list, deviceIds: [gw.id] } });
    expect(res.status).toBe(201);
    const id = res.body.data.taskId as number;
    expect((await put(id, 'status', { action: 'START' })).status).toBe(200);
    return { id, list, gw };
  }

  /**
   * The statements of this database's sessions waiting for a row lock (null: not read this time). InnoDB
   * refreshes information_schema.innodb_trx only when it was not read for 0.1 s, and every read counts, so it
   * is read at most every 150 ms.
   */
  let lastRead = 0;
  async function lockWaits(): Promise<string[] | null> {
    if (performance.now() - lastRead < 150) return null;
    const [rows] = await holder.query(
      "select t.trx_query as q from information_schema.innodb_trx t join information_schema.processlist p on p.id = t.trx_mysql_thread_id where t.trx_state = 'LOCK WAIT' and p.db = database()",
    );
    lastRead = performance.now();
    return (rows as Array<{ q: string | null }>).map((r) => r.q ?? '');
  }
  /** Waits until a statement matching each pattern waits for a lock (an event, bounded by waitFor's deadline). */
  const waiting = (...patterns: RegExp[]) => waitFor(async () => ((w) => w && patterns.every((p) => w.some((q) => p.test(q))))(await lockWaits()), `lock waits ${patterns.join(', ')}`);
  /** The third connection holds the row `id` of `table` (FOR UPDATE) until `release`. */
  async function hold(table: string, id: number): Promise<void> {
    await holder.query('start transaction');
    await holder.query(`select id from ${table} where id = ? for update`, [id]);
  }
  const release = () => holder.query('rollback');

  /** The first number of a started task claimed ahead by this process (as the pump does while every line rings), the rest pending. */
  async function claimedAhead(count: number) {
    const { id, list, gw } = await startedTask(1, count);
    const deps = dialler();
    const em = t.app.orm.em.fork();
    expect(await deps.leases.take(em, id)).toBe(true);
    const task = await em.findOneOrFail(CallTaskSchema, { id });
    const [phone] = await phonesOf(id);
    const device = await em.findOneOrFail(GatewayDeviceSchema, { id: gw.id });
    const callId = randomUUID();
    expect(await claimAttempt(deps, task, phone!, device, callId, new Map(), { ahead: true, armed: [] })).toMatchObject({ callId, attempt: 1 });
    await deps.leases.release(em, id);
    const giveBack = () => giveBackAttempt(t.app.orm.em, phone!.id, callId, { attempts: 0, lastCallId: null, lastAttemptAt: null });
    return { id, list, phoneId: phone!.id, callId, giveBack };
  }
  const callRow = (callId: string) => t.app.orm.em.fork().findOne(CallSchema, { uuid: callId });

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
      expect(list.map((x) => t.sw.dialled(x))).toEqual([0, 0]);
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
    expect(list.map((x) => t.sw.dialled(x))).toEqual([0, 0]);
    expect((await put(id, 'status', { action: 'START' })).status).toBe(200);
    expect(await runCallTask(dialler(), id, { budgetMs: 120_000 })).toBe('completed');
    expect(list.map((x) => t.sw.dialled(x))).toEqual([1, 1]);
    expect(t.sw.socket.calls.some((c) => c.uuid === callId)).toBe(false);
  }, 180_000);
});
