import { randomUUID } from 'node:crypto';
import { createConnection } from 'mysql2/promise';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bootApp, type TestApp } from '../support/app.js';
import { READY_MS, waitFor } from '../support/wait-for.js';
import { FakeChannel, FakeEventSocket, channelEvent } from '../telephony/support/fake-switch.js';
import { clusterSettings } from './support/cluster-settings.js';
import { CallSchema } from '../../src/domain/calls/call.entity.js';
import { CustomerSchema } from '../../src/domain/customers/customer.entity.js';
import { FollowUpTaskSchema } from '../../src/domain/todos/follow-up-task.entity.js';
import { NotificationOutboxSchema } from '../../src/domain/notifications/notification-outbox.entity.js';
import { SwitchEventReceiptSchema } from '../../src/domain/calls/switch-event-receipt.entity.js';

/**
 * Two app instances on one MariaDB database, both subscribed to one switch: every channel event reaches
 * both, and each call's hangup is handled once — one completed call, one callback todo, one notice.
 */
describe('switch events handled once across processes', () => {
  let fs: FakeEventSocket;
  let a: TestApp;
  let b: TestApp;
  let ownerId: number;

  beforeAll(async () => {
    fs = await new FakeEventSocket().start();
    const shared = clusterSettings(fs);
    a = await bootApp('mysql', { ...shared, JOBS_WORKER_NAME: 'A' });
    b = await bootApp('mysql', { ...shared, DATABASE_URL: a.db.url, JOBS_WORKER_NAME: 'B' });
    await Promise.all([a.app.telephony!.events.ready(READY_MS), b.app.telephony!.events.ready(READY_MS)]);
    ownerId = (await a.staffWithToken('sales', { name: '周销售' })).id;
  });
  afterAll(async () => {
    await b?.close();
    await a?.close();
    await fs?.stop();
  });

  const em = () => a.app.orm.em.fork();
  /** Both processes have received `count` more events and finished handling every one of them. */
  const bothSettled = (before: number[], count: number) =>
    waitFor(() => [a, b].every((t, i) => t.app.telephony!.events.stats.events >= before[i]! + count && t.app.telephony!.events.stats.pending === 0), 'both processes to handle the events', 120_000);
  const eventsSeen = () => [a, b].map((t) => t.app.telephony!.events.stats.events);

  /** A customer of the owner calls; the app the switch hands the call to routes it, nobody answers, the caller hangs up. */
  async function missedCall(to: TestApp, n: number): Promise<string> {
    const uuid = randomUUID();
    const mobile = `+86139${String(n).padStart(8, '0')}`;
    const e = em();
    e.create(CustomerSchema, { id: `CUST_ONCE_${uuid.slice(0, 8)}`, name: `客户${n}`, level: 'normal', segment: 'regular', tags: [], phone: mobile, phoneLast8: mobile.slice(-8), ownerStaff: ownerId });
    await e.flush();
    const channel = new FakeChannel(uuid, { 'Caller-Caller-ID-Number': encodeURIComponent(mobile), 'Caller-Destination-Number': '4008320160' }, (app) => (app === 'bridge' ? { variable_DIALSTATUS: 'NO_ANSWER' } : {}));
    await channel.connect(to.app.telephony!.socketPort()!);
    await channel.closed();
    await waitFor(() => em().findOne(CallSchema, { uuid }), `call ${uuid} stored`);
    return uuid;
  }

  it('delivers every event to both, and each hangup makes one completed call, one todo and one notice', async () => {
    expect(fs.subscribers('CHANNEL_HANGUP_COMPLETE')).toBe(2);
    const uuids = await Promise.all(Array.from({ length: 20 }, (_, i) => missedCall(i % 2 ? b : a, 1000 + i)));
    const before = eventsSeen();
    for (const uuid of uuids) fs.emit(channelEvent('CHANNEL_HANGUP_COMPLETE', uuid, { variable_salesops_call: 'inbound', 'Hangup-Cause': 'ORIGINATOR_CANCEL' }));
    await bothSettled(before, uuids.length);

    for (const uuid of uuids) {
      expect((await em().findOneOrFail(CallSchema, { uuid })).endedAt).toBeTruthy();
      expect(await em().count(FollowUpTaskSchema, { relatedRecordId: uuid, reason: 'missed_call' })).toBe(1);
    }
    expect(await em().count(NotificationOutboxSchema, { staffId: ownerId, kind: 'todo' })).toBe(uuids.length);
    const receipts = await em().find(SwitchEventReceiptSchema, { eventKey: { $in: uuids.map((u) => `${u}:CHANNEL_HANGUP_COMPLETE`) } });
    expect(receipts).toHaveLength(uuids.length);
  });

  it('a caller who hangs up at once: the hangup reaches both while A may still be storing the call, and it is completed once', async () => {
    const uuid = randomUUID();
    const mobile = '+8613900009999';
    const e = em();
    e.create(CustomerSchema, { id: 'CUST_ONCE_EARLY', name: '急客户', level: 'normal', segment: 'regular', tags: [], phone: mobile, phoneLast8: mobile.slice(-8), ownerStaff: ownerId });
    await e.flush();
    const channel = new FakeChannel(uuid, { 'Caller-Caller-ID-Number': encodeURIComponent(mobile), 'Caller-Destination-Number': '4008320160' }, (app) => (app === 'bridge' ? 'hangup' : {}));
    await channel.connect(a.app.telephony!.socketPort()!);
    // A has the call (its first command is out), its record may not be written yet: the switch reports the hangup now.
    await channel.waitFor('multiset');
    const before = eventsSeen();
    fs.emit(channelEvent('CHANNEL_HANGUP_COMPLETE', uuid, { variable_salesops_call: 'inbound', 'Hangup-Cause': 'ORIGINATOR_CANCEL' }));
    await bothSettled(before, 1);
    expect(await em().count(FollowUpTaskSchema, { relatedRecordId: uuid, reason: 'missed_call' })).toBe(1);
    // Whoever found the record stored handled it; a process that looked earlier left no receipt.
    expect(['A', 'B']).toContain((await em().findOneOrFail(SwitchEventReceiptSchema, { eventKey: `${uuid}:CHANNEL_HANGUP_COMPLETE` })).handledBy);
    channel.hangup();
  });

  /**
   * A caller rings A while A's caller lookup is held (another connection write-locks `customers`, so the
   * lookup waits on the server): `during` runs with the lookup seen waiting, then the lock is released.
   */
  async function whileLookingUp(uuid: string, mobile: string, during: (channel: FakeChannel) => Promise<void>): Promise<void> {
    const e = em();
    e.create(CustomerSchema, { id: `CUST_ONCE_${uuid.slice(0, 8)}`, name: '查找中客户', level: 'normal', segment: 'regular', tags: [], phone: mobile, phoneLast8: mobile.slice(-8), ownerStaff: ownerId });
    await e.flush();
    const target = a.db.target;
    if (target.kind !== 'mysql') throw new Error('a MariaDB database');
    const holder = await createConnection({ host: target.host, port: target.port, user: target.user, password: target.password, database: target.dbName });
    try {
      await holder.query('LOCK TABLES customers WRITE');
      const channel = new FakeChannel(uuid, { 'Caller-Caller-ID-Number': encodeURIComponent(mobile), 'Caller-Destination-Number': '4008320160' }, (app) => (app === 'bridge' ? 'hangup' : {}));
      await channel.connect(a.app.telephony!.socketPort()!);
      await waitFor(async () => {
        const [rows] = await holder.query("SELECT COUNT(*) AS n FROM information_schema.PROCESSLIST WHERE STATE LIKE 'Waiting for table%' AND INFO LIKE '%customers%'");
        return Number((rows as Array<{ n: number }>)[0]!.n) >= 1;
      }, 'the caller lookup to wait on the locked customers table');
      await during(channel);
    } finally {
      await holder.query('UNLOCK TABLES').catch(() => undefined);
      holder.destroy();
    }
  }

  /** B has handled the event; A has received it (and, once the call is stored, handles it). */
  const bSettledAReceived = (before: number[]) =>
    waitFor(() => a.app.telephony!.events.stats.events >= before[0]! + 1 && b.app.telephony!.events.stats.events >= before[1]! + 1 && b.app.telephony!.events.stats.pending === 0, 'B to handle the event and A to receive it');

  it('a caller who hangs up while the call is still being looked up: the call is completed with its callback todo', async () => {
    const uuid = randomUUID();
    let before: number[] = [];
    await whileLookingUp(uuid, '+8613900007777', async (channel) => {
      before = eventsSeen();
      fs.emit(channelEvent('CHANNEL_HANGUP_COMPLETE', uuid, { variable_salesops_call: 'inbound', 'Hangup-Cause': 'ORIGINATOR_CANCEL' }));
      channel.hangup();
      await bSettledAReceived(before);
    });
    await bothSettled(before, 1);
    await waitFor(() => em().findOne(CallSchema, { uuid }), `call ${uuid} stored`);
    expect((await em().findOneOrFail(CallSchema, { uuid })).endedAt).toBeTruthy();
    expect(await em().count(FollowUpTaskSchema, { relatedRecordId: uuid, reason: 'missed_call' })).toBe(1);
    expect((await em().findOneOrFail(SwitchEventReceiptSchema, { eventKey: `${uuid}:CHANNEL_HANGUP_COMPLETE` })).handledBy).toBe('A');
  });

  it('a bridge reported before the call is stored: the call is answered by the salesperson, not left unanswered', async () => {
    const uuid = randomUUID();
    const agentMobile = '+8613800005555';
    const agent = await a.staffWithToken('sales', { name: '接听销售', mobile: agentMobile });
    let before: number[] = [];
    await whileLookingUp(uuid, '+8613900006666', async (channel) => {
      before = eventsSeen();
      fs.emit(channelEvent('CHANNEL_BRIDGE', uuid, { variable_salesops_call: 'inbound', 'Other-Leg-Destination-Number': agentMobile }));
      await bSettledAReceived(before);
      channel.hangup();
    });
    await bothSettled(before, 1);
    await waitFor(() => em().findOne(CallSchema, { uuid }), `call ${uuid} stored`);
    const call = await em().findOneOrFail(CallSchema, { uuid });
    expect(call.answeredAt).toBeTruthy();
    expect(call.answeredBy).toBe(agent.id);
    expect((await em().findOneOrFail(SwitchEventReceiptSchema, { eventKey: `${uuid}:CHANNEL_BRIDGE` })).handledBy).toBe('A');
  });

  it('hands an event over when the process handling it dies before committing', async () => {
    const uuid = await missedCall(a, 2000);
    const target = a.db.target;
    if (target.kind !== 'mysql') throw new Error('a MariaDB database');
    // A third "process" claims the hangup and dies mid-transaction: its connection drops, the server rolls it back.
    const holder = await createConnection({ host: target.host, port: target.port, user: target.user, password: target.password, database: target.dbName });
    await holder.query('BEGIN');
    await holder.query('INSERT INTO switch_event_receipts (event_key, handled_by, handled_at) VALUES (?, ?, NOW())', [`${uuid}:CHANNEL_HANGUP_COMPLETE`, 'C']);
    const before = eventsSeen();
    fs.emit(channelEvent('CHANNEL_HANGUP_COMPLETE', uuid, { variable_salesops_call: 'inbound', 'Hangup-Cause': 'ORIGINATOR_CANCEL' }));
    // Both processes wait on the dead one's claim.
    // (Seen in the process list: INNODB_TRX does not list a transaction whose first statement is still waiting.)
    await waitFor(async () => {
      const [rows] = await holder.query(
        "SELECT COUNT(*) AS n FROM information_schema.PROCESSLIST WHERE ID <> CONNECTION_ID() AND INFO LIKE 'insert into `switch_event_receipts`%'",
      );
      return Number((rows as Array<{ n: number }>)[0]!.n) >= 2;
    }, 'both processes to wait on the claim');
    holder.destroy();
    await bothSettled(before, 1);
    expect(await em().count(FollowUpTaskSchema, { relatedRecordId: uuid, reason: 'missed_call' })).toBe(1);
    const receipt = await em().findOneOrFail(SwitchEventReceiptSchema, { eventKey: `${uuid}:CHANNEL_HANGUP_COMPLETE` });
    expect(['A', 'B']).toContain(receipt.handledBy);
  });
});
