import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CallerIdentificationSchema } from '../../src/domain/calls/caller-identification.entity.js';
import { CallSchema } from '../../src/domain/calls/call.entity.js';
import { ScreenPopEventSchema } from '../../src/domain/calls/screen-pop-event.entity.js';
import { CustomerCommunicationSchema } from '../../src/domain/customers/customer-communication.entity.js';
import { CustomerContactSchema } from '../../src/domain/customers/customer-contact.entity.js';
import { CustomerSchema } from '../../src/domain/customers/customer.entity.js';
import { RoutingRuleSchema } from '../../src/domain/routing/routing-rule.entity.js';
import { StaffSchema } from '../../src/domain/staff/staff.entity.js';
import { FollowUpTaskSchema } from '../../src/domain/todos/follow-up-task.entity.js';
import { bootApp, type TestApp } from '../support/app.js';
import { DIALECTS } from '../support/database.js';
import { FakeOpenAi } from '../support/fake-openai.js';
import { READY_MS, waitFor } from '../support/wait-for.js';
import { capturingLogger } from '../outreach/outreach-fixtures.js';
import { channelEvent, FakeChannel, FakeEventSocket, jsonEvent, switchEnv } from './support/fake-switch.js';

const ALL_WEEK = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;
const INSIGHTS = { sentiment: 'NEUTRAL', intention: '中意向', intentionScore: 0.6, keywords: ['PCR-ABS', '批量'], intent: '询价', intentDetail: 'PCR-ABS 批量价格', summary: '客户询问PCR-ABS批量采购价格', keyPoints: ['批量订单'], followUps: ['发送报价单'], products: ['PCR-ABS'], price: 12.5, quantity: 2000, nextContact: '明天上午' };

const until = <T>(fn: () => Promise<T | null | undefined | false>) => waitFor(fn, 'the call to be stored') as Promise<T>;

describe.each(DIALECTS)('400 call through the outbound socket and the event socket (%s)', (dialect) => {
  let t: TestApp;
  let fs: FakeEventSocket;
  let ai: FakeOpenAi;
  let dir: string;
  let ownerId: number;
  const logs = capturingLogger();

  beforeAll(async () => {
    fs = await new FakeEventSocket().start();
    ai = await new FakeOpenAi().start();
    ai.onChat = () => JSON.stringify(INSIGHTS);
    ai.onTranscribe = () => '您好，我想问一下PCR-ABS批量的价格。';
    dir = mkdtempSync(join(tmpdir(), 'recordings-'));
    t = await bootApp(dialect, {
      ...switchEnv(fs),
      RECORDINGS_DIR: dir,
      OPENAI_BASE_URL: ai.baseUrl,
      OPENAI_API_KEY: 'test',
    }, { logger: logs.logger });
    await t.app.telephony!.events.ready(READY_MS);
    const em = t.app.orm.em.fork();
    // Open all day every day, so the test does not depend on the hour it runs at.
    em.create(RoutingRuleSchema, { kind: 'work_hours', name: 'all day', body: { weekday: { start: '00:00', end: '24:00' }, saturday: { start: '00:00', end: '24:00' }, sunday: { start: '00:00', end: '24:00' } } });
    for (const days of ['weekday', 'weekend'] as const) {
      em.create(RoutingRuleSchema, { kind: 'time_slot', name: `${days} all day`, body: { days, start: '00:00', end: '24:00', primary: 'office_phone', backup: 'mobile_phone', strategy: 'sequential' } });
    }
    const owner = em.create(StaffSchema, { name: '销售经理A', role: 'sales', officeExt: '8001', mobile: '+8613900000001', mobileLast8: '00000001', dutyDays: [...ALL_WEEK], dutyStart: '00:00', dutyEnd: '24:00' });
    await em.flush();
    ownerId = owner.id;
    const customer = em.create(CustomerSchema, { id: 'CUST_001', companyName: '宁波奥克斯空调有限公司', name: '奥克斯', level: 'vip', ownerStaff: owner.id, annualRevenueFen: 580_000_000, orderCount: 12, notes: '正在洽谈PCR-ABS批量订单' });
    em.create(CustomerContactSchema, { customer, name: '张经理', department: '采购部', mobile: '+8613800138000', mobileLast8: '00138000' });
    await em.flush();
  });
  afterAll(async () => {
    await t?.close();
    await fs.stop();
    await ai.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  const dial = (uuid: string, caller: string, onExecute: ConstructorParameters<typeof FakeChannel>[2]) =>
    // The 400 dialplan answers before its IVR, so the channel reaches us answered.
    new FakeChannel(uuid, { 'Caller-Caller-ID-Number': encodeURIComponent(caller), 'Caller-Destination-Number': '4008320160', 'Answer-State': 'answered', variable_ivr_choice: '1' }, onExecute);

  it('identifies the caller, pops the screen, answers, records and bridges along the plan; after hangup the call is analysed', async () => {
    const uuid = randomUUID();
    const channel = dial(uuid, '+8613800138000', (app) => (app === 'bridge' ? { variable_DIALSTATUS: 'SUCCESS' } : {}));
    await channel.connect(t.app.telephony!.socketPort()!);
    await channel.waitFor('bridge');
    const apps = channel.executed.map((e) => `${e.app} ${e.arg}`.trim());
    const day = new Date().toISOString().slice(0, 10);
    const recording = join(dir, 'calls', apps[2]!.match(/calls\/(\d{4}-\d{2}-\d{2})/)?.[1] ?? day, `${uuid}.wav`);
    expect(apps).toEqual([
      `multiset verbose_events=true salesops_call=inbound hangup_after_bridge=true continue_on_fail=true RECORD_BRIDGE_REQ=true ringback=%(1000,4000,450) transfer_ringback=%(1000,4000,450) salesops_recording=${recording}`,
      'answer',
      `record_session ${recording}`,
      'bridge [leg_timeout=15]user/8001|[leg_timeout=20]sofia/gateway/dag1000/13900000001',
    ]);

    // While the mobiles ring the caller hears the Chinese ring tone, not silence.
    expect(channel.ringbackHeard).toBe('%(1000,4000,450)');
    const em = t.app.orm.em.fork();
    const record = await until(() => em.fork().findOne(CallSchema, { uuid }));
    expect(record).toMatchObject({ caller: '+8613800138000', customer: expect.objectContaining({ id: 'CUST_001' }), ivrChoice: '1' });
    const ident = await em.fork().findOneOrFail(CallerIdentificationSchema, { callerNumber: '+8613800138000' });
    expect(ident).toMatchObject({ matchKind: 'exact', matchConfidence: 1, companyName: '宁波奥克斯空调有限公司', contactName: '张经理', department: '采购部', customerLevel: 'vip' });
    const pop = await em.fork().findOneOrFail(ScreenPopEventSchema, { callUuid: uuid });
    expect(pop.staffIds).toEqual([ownerId]);
    const lines = Object.fromEntries((pop.payload.lines as Array<[string, string]>).map(([k, v]) => [k, v]));
    expect(lines).toMatchObject({ '📞 来电号码': '138****8000', '🏢 客户公司': '宁波奥克斯空调有限公司', '👤 联系人': '张经理 (采购部)', '⭐ 客户等级': 'VIP金牌客户', '📊 年交易额': '¥580万', '📋 历史订单': '12笔', '🎯 本次来电意图': '产品咨询 (按1)', '📌 建议处理': '优先转接销售经理A', '⚡ 紧急度': '高 (VIP客户)' });

    // The switch reports the bridge and the hangup on the event socket.
    mkdirSync(dirname(recording), { recursive: true });
    writeFileSync(recording, Buffer.alloc(2048));
    const bridgedAt = Date.now();
    fs.emit(channelEvent('CHANNEL_BRIDGE', uuid, { variable_salesops_call: 'inbound', 'Other-Leg-Destination-Number': '8001' }));
    await until(async () => (await em.fork().findOneOrFail(CallSchema, { uuid })).answeredBy === ownerId);
    fs.emit(
      channelEvent('CHANNEL_HANGUP_COMPLETE', uuid, { variable_salesops_call: 'inbound', variable_salesops_recording: recording, variable_bridge_epoch: String(Math.floor(bridgedAt / 1000)), 'Hangup-Cause': 'NORMAL_CLEARING', 'Event-Date-Timestamp': String((bridgedAt + 65_000) * 1000) }),
    );
    const done = await until(async () => {
      const r = await em.fork().findOneOrFail(CallSchema, { uuid });
      return r.analysisStatus === 'COMPLETED' || r.analysisStatus === 'FAILED' ? r : null;
    });
    expect(done).toMatchObject({ analysisStatus: 'COMPLETED', recordingPath: recording, hangupCause: 'NORMAL_CLEARING' });
    expect(done.duration).toBeGreaterThanOrEqual(64);
    expect(ai.transcriptions.at(-1)).toMatchObject({ language: 'zh' });
    const comm = await em.fork().findOneOrFail(CustomerCommunicationSchema, { sourceRecordId: uuid });
    expect(comm).toMatchObject({ intentCategory: '询价', sentiment: 'neutral', priceDiscussedFen: 1250, quantityDiscussed: 2000, assignedTo: ownerId, channel: '400电话' });
    const todo = await em.fork().findOneOrFail(FollowUpTaskSchema, { relatedRecordId: comm.recordId });
    expect(todo).toMatchObject({ assignedTo: ownerId, source: '400_phone', title: '跟进客户：宁波奥克斯空调有限公司 - 发送报价单', priority: 'high' });
    expect((await em.fork().findOneOrFail(CustomerSchema, { id: 'CUST_001' })).lastContactAt).toBeTruthy();
  });

  it('nobody answers: stops recording, takes a voicemail and hangs up; an urgent voicemail becomes an urgent todo', async () => {
    const uuid = randomUUID();
    const channel = dial(uuid, '13800138000', (app) => (app === 'bridge' ? { variable_DIALSTATUS: 'NO_ANSWER' } : {}));
    await channel.connect(t.app.telephony!.socketPort()!);
    await channel.closed();
    const apps = channel.executed.map((e) => `${e.app} ${e.arg}`.trim());
    const vm = apps.find((a) => a.startsWith('set salesops_voicemail='))!.split('=')[1]!;
    expect(vm).toMatch(new RegExp(`voicemail/\\d{4}-\\d{2}-\\d{2}/${uuid}\\.wav$`));
    expect(apps.slice(4)).toEqual([`stop_record_session ${apps[2]!.slice('record_session '.length)}`, `set salesops_voicemail=${vm}`, 'playback voicemail/vm-record_message.wav', `record ${vm} 120 200 3`, 'hangup NORMAL_CLEARING']);
    // The day's voicemail folder existed before `record` (the switch's record does not create folders).
    expect(channel.errors).toEqual([]);
    expect(channel.hangupCause).toBe('NORMAL_CLEARING');
    expect(existsSync(vm)).toBe(true);
    ai.onTranscribe = () => '我是奥克斯的张经理，紧急，设备坏了请尽快回电。';
    ai.onChat = () => JSON.stringify({ ...INSIGHTS, intent: '技术支持', sentiment: 'NEGATIVE', summary: '设备故障，要求尽快回电' });
    fs.emit(channelEvent('CHANNEL_HANGUP_COMPLETE', uuid, { variable_salesops_call: 'inbound', variable_salesops_voicemail: vm, variable_record_seconds: '9', 'Hangup-Cause': 'NORMAL_CLEARING' }));
    const em = t.app.orm.em.fork();
    const done = await until(async () => ((await em.fork().findOne(CallSchema, { uuid }))?.analysisStatus === 'COMPLETED' ? true : null));
    expect(done).toBe(true);
    const record = await em.fork().findOneOrFail(CallSchema, { uuid });
    expect(record).toMatchObject({ voicemail: true, recordingPath: vm });
    const todo = await em.fork().findOneOrFail(FollowUpTaskSchema, { reason: 'voicemail' }, { orderBy: { id: 'desc' } });
    expect(todo).toMatchObject({ priority: 'urgent', notes: '设备故障，要求尽快回电' });
  });

  it('after a conversation the switch closes the socket before reporting the bridge: logged as such, not as a caller hang-up', async () => {
    const uuid = randomUUID();
    const channel = dial(uuid, '13800138000', (app) => (app === 'bridge' ? 'hangup' : {}));
    await channel.connect(t.app.telephony!.socketPort()!);
    await channel.closed();
    const line = await waitFor(() => logs.lines().find((l) => l.uuid === uuid && l.stage), 'the call server to log how the call ended');
    expect(line).toMatchObject({ stage: 'bridge', msg: expect.stringMatching(/^call ended while ringing or talking/) });
    expect(logs.lines().filter((l) => l.uuid === uuid && /caller hung up/.test(String(l.msg)))).toEqual([]);
  });

  it('a missed call without voicemail becomes a callback todo for the owner', async () => {
    const uuid = randomUUID();
    const channel = dial(uuid, '13800138000', (app) => (app === 'bridge' ? 'hangup' : {}));
    await channel.connect(t.app.telephony!.socketPort()!);
    await channel.closed();
    fs.emit(channelEvent('CHANNEL_HANGUP_COMPLETE', uuid, { variable_salesops_call: 'inbound', 'Hangup-Cause': 'ORIGINATOR_CANCEL' }));
    const em = t.app.orm.em.fork();
    const todo = await until(() => em.fork().findOne(FollowUpTaskSchema, { relatedRecordId: uuid, reason: 'missed_call' }));
    expect(todo).toMatchObject({ assignedTo: ownerId, priority: 'high', customer: expect.objectContaining({ id: 'CUST_001' }) });
    expect(todo.title).toContain('138****8000');
  });

  it('an unknown caller becomes a new lead and still rings the team', async () => {
    const uuid = randomUUID();
    const channel = dial(uuid, '021-6666 1234', (app) => (app === 'bridge' ? { variable_DIALSTATUS: 'SUCCESS' } : {}));
    await channel.connect(t.app.telephony!.socketPort()!);
    await channel.waitFor('bridge');
    const em = t.app.orm.em.fork();
    const record = await until(() => em.fork().findOne(CallSchema, { uuid }));
    const lead = await em.fork().findOneOrFail(CustomerSchema, { id: record.customer!.id });
    expect(lead).toMatchObject({ phone: '+862166661234', level: 'potential', source: '400_phone' });
    const ident = await em.fork().findOneOrFail(CallerIdentificationSchema, { callerNumber: '+862166661234' });
    expect(ident).toMatchObject({ matchKind: 'none', matchConfidence: 0 });
  });

  it('events of channels we did not tag are ignored; malformed frames do not hurt the app', async () => {
    await fs.write('Content-Length: 5\nContent-Type: text/event-json\n\n{oops' + jsonEvent(channelEvent('CHANNEL_HANGUP_COMPLETE', randomUUID())));
    const res = await t.call('GET', '/healthz');
    expect(res.status).toBe(200);
    expect(t.app.telephony!.events.connected()).toBe(true);
  });
});
