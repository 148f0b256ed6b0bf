import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PERMISSIONS } from '../../src/domain/auth/permissions.js';
import type { Actor } from '../../src/domain/auth/actor.js';
import { CallAnalysisSchema } from '../../src/domain/calls/call-analysis.entity.js';
import { CallSchema, type Call } from '../../src/domain/calls/call.entity.js';
import { CallTaskPhoneSchema } from '../../src/domain/call-tasks/call-task-phone.entity.js';
import { callTaskDetail, listCallTasks } from '../../src/domain/call-tasks/call-task.queries.js';
import { createCallTask, type CreateCallTaskInput } from '../../src/domain/call-tasks/call-task.service.js';
import { runCallTask } from '../../src/domain/call-tasks/dialler.js';
import { TASK_CALL_PROMPTS } from '../../src/domain/call-tasks/robot-prompts.js';
import { robotPromptText } from '../../src/domain/call-tasks/answered-call.js';
import { promptPath } from '../../src/domain/call-tasks/prompt-audio.js';
import { recordConsent } from '../../src/domain/compliance/consent-ledger.service.js';
import { ConsentSchema } from '../../src/domain/compliance/consent.entity.js';
import { CustomerContactSchema } from '../../src/domain/customers/customer-contact.entity.js';
import { CustomerSchema } from '../../src/domain/customers/customer.entity.js';
import { StaffStatusSchema } from '../../src/domain/sales-status/staff-status.entity.js';
import { StaffSchema } from '../../src/domain/staff/staff.entity.js';
import { FollowUpTaskSchema } from '../../src/domain/todos/follow-up-task.entity.js';
import { DIALECTS } from '../support/database.js';
import { FakeOpenAi } from '../support/fake-openai.js';
import { startFakeWecom, type FakeWecom } from '../support/fake-wecom.js';
import { waitFor } from '../support/wait-for.js';
import { SAMPLE } from '../bot/wecom-samples.js';
import { wecomSettings } from '../support/full-app.js';
import type { FakeEventSocket, FakeOutboundCall } from '../telephony/support/fake-switch.js';
import { beijingMorningClock } from '../support/beijing-morning-clock.js';
import { bootDiallerApp, type DiallerApp } from './support/dialler-app.js';


const TONE = '%(1000,4000,450)';
const analysis = (intention: string, score: number) => JSON.stringify({ sentiment: 'POSITIVE', intention, intentionScore: score, keywords: ['价格', '合作'], summary: `客户${intention}，询问了价格`, intent: '询价' });

describe.each(DIALECTS)('call-task modes: agent bridging, robot menu, analysis and leads (%s)', (dialect) => {
  let t: DiallerApp;
  let sw: FakeEventSocket;
  let ai: FakeOpenAi;
  let wecom: FakeWecom;
  let dir: string;
  let manager: Actor;
  let agentA: number;
  let agentC: number;
  let seq = 0;
  /** The transcript the fake speech service hears for a recording, by call uuid (default: a plain reply). */
  const transcripts = new Map<string, string>();
  /** The dialler's clock: inside the calling window whatever the hour (after 20:50 Beijing, tomorrow morning). */
  const clock = beijingMorningClock();

  beforeAll(async () => {
    ai = await new FakeOpenAi().start();
    ai.onTranscribe = (req) => transcripts.get(basename(req.fileName, '.wav')) ?? '客户：嗯，知道了。';
    // The speech service fails for scripts that say so: the switch's own TTS must speak them.
    ai.onSpeech = (req) => (req.input.includes('语音服务故障') ? { status: 500, body: { error: { message: 'The server had an error', type: 'server_error', code: null } } } : undefined);
    ai.onChat = (req) => {
      const text = req.messages.map((m) => m.content).join('\n');
      if (text.includes('BROKEN')) return '这不是 JSON';
      if (text.includes('HOT')) return analysis('高意向', 0.92);
      return analysis('低意向', 0.2);
    };
    wecom = await startFakeWecom({ corpId: SAMPLE.corpId });
    dir = mkdtempSync(join(tmpdir(), 'task-recordings-'));
    // The prompts and after-call jobs run in this suite (JOBS_ENABLED); the test runs the dialler itself.
    t = await bootDiallerApp(dialect, {
      env: { JOBS_ENABLED: 'true', RECORDINGS_DIR: dir, OPENAI_BASE_URL: ai.baseUrl, OPENAI_API_KEY: 'test', TTS_BASE_URL: ai.baseUrl, TTS_MODEL: 'tts-1', TTS_VOICE: 'nova', ...wecomSettings(wecom) },
    });
    sw = t.sw.socket;
    // The default FREESWITCH_TTS engine (the fallback when a prompt has no WAV): the switch has its module.
    sw.modules.add('mod_tts_commandline');
    await t.device(`gw-${dialect}`, 4);
    const mgr = await t.staffWithToken('manager', { wecomUserId: `mgr-${dialect}`, name: '经理' });
    manager = { staffId: mgr.id, name: '经理', role: 'manager', permissions: new Set<string>(PERMISSIONS), channel: 'api' };
    agentA = (await t.staffWithToken('sales', { wecomUserId: `agent-a-${dialect}`, name: '销售A' })).id;
    agentC = (await t.staffWithToken('sales', { wecomUserId: `agent-c-${dialect}`, name: '销售C' })).id;
    const offDuty = (await t.staffWithToken('sales', { wecomUserId: `agent-b-${dialect}`, name: '销售B' })).id;
    const em = t.app.orm.em.fork();
    // Statuses expire on the dialler's clock, which may already be tomorrow morning.
    const later = new Date(clock.now().getTime() + 6 * 3_600_000);
    for (const [id, ext, status] of [[agentA, '8101', 'in_office'], [agentC, '8102', 'in_office'], [offDuty, '8103', 'off_duty']] as const) {
      await em.nativeUpdate(StaffSchema, { id }, { officeExt: ext });
      em.create(StaffStatusSchema, { staff: id, status, expiresAt: later });
    }
    await em.flush();
    // Salesperson A picks up the office phone; C's phone rings unanswered.
    sw.phones.set('user/8101', { answer: true, afterMs: 5, talkMs: 40 });
  }, 180_000);
  afterAll(async () => {
    await t?.close();
    await ai?.stop();
    await wecom?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const number = () => `1390000${String(++seq).padStart(4, '0')}`;

  /** Creates a task for tomorrow (so no scheduled run races the test's own) and runs its dialler now. */
  async function runTask(input: Omit<CreateCallTaskInput, 'name' | 'callScript'> & { callScript?: string; grant?: string[]; promptsFail?: boolean }, during?: (call: FakeOutboundCall) => Promise<void>) {
    const { grant, promptsFail, ...task } = input;
    const em = t.app.orm.em.fork();
    for (const phone of grant ?? input.phoneNumbers) recordConsent(em, { phone, channel: 'call', state: 'granted', source: 'import' });
    await em.flush();
    const deps = { ...t.app.callTasks.deps, clock };
    const created = await createCallTask(em, deps, manager, { name: `任务${seq}`, callScript: '您好，这里是奥克斯空调，我们新推出了节能机型。', scheduledTime: new Date(Date.now() + 86_400_000), ...task });
    // The task's prompts are prepared once by their job (TTS into RECORDINGS_DIR/prompts/) before calls are answered.
    const texts = input.mode === 'robot' ? [robotPromptText({ callScript: input.callScript ?? '您好，这里是奥克斯空调，我们新推出了节能机型。' }), ...Object.values(TASK_CALL_PROMPTS)] : [TASK_CALL_PROMPTS.apology];
    // (promptsFail: the speech service refused the script: the test waits for that refusal instead.)
    if (promptsFail) await waitFor(() => ai.speeches.some((s) => s.input === texts[0]), 'the speech service asked for the script');
    else await waitFor(() => texts.every((text) => existsSync(promptPath(dir, 'tts-1|nova', text))), 'the prompt audio');
    const before = sw.calls.length;
    const watching = during ? sw.waitForOriginate(before + 1).then(during) : Promise.resolve();
    const result = await runCallTask({ ...t.app.callTasks.dialler(), clock }, created.taskId, { budgetMs: 120_000 });
    await watching;
    return { taskId: created.taskId, result, calls: sw.calls.slice(before) };
  }
  const callOf = (taskId: number) => waitFor(async () => (await t.app.orm.em.fork().find(CallSchema, { task: taskId })).find((c) => c.endedAt), 'the task call to end') as Promise<Call>;
  const sentTo = (user: string, from = 0) => wecom.sent.slice(from).filter((m) => m.touser === user);
  const cardText = (m: FakeWecom['sent'][number]) => JSON.stringify(m.template_card ?? m.text ?? m.markdown ?? {});

  it('agent mode: the answered callee is bridged to the free salesperson with ringback, who gets the card and the script in WeCom', async () => {
    const wecomBefore = wecom.sent.length;
    const phone = number();
    sw.outcome(phone, { kind: 'answer', afterMs: 10, talkMs: 60_000 });
    const { taskId, result, calls } = await runTask({ phoneNumbers: [phone], mode: 'agent', salesStaffIds: [agentA] });
    expect(result).toBe('completed');
    expect(calls).toHaveLength(1);
    const channel = calls[0]!.channel!;
    // The switch handed the answered callee to our socket; the flow recorded it and bridged to A's office phone.
    expect(calls[0]!.app).toBe('socket');
    // Quoted on the originate line: the switch splits it on spaces outside quotes, and our flow needs async full.
    expect(calls[0]!.appArg).toMatch(/^127\.0\.0\.1:\d+ async full$/);
    const bridge = channel.executed.find((e) => e.app === 'bridge')!;
    expect(bridge.arg).toMatch(/^\[leg_timeout=15\]user\/8101$/);
    expect(channel.bridgedTo).toBe('user/8101');
    expect(channel.ringbackHeard).toBe(TONE);
    expect(channel.executed.some((e) => e.app === 'record_session')).toBe(true);

    const call = await callOf(taskId);
    expect(call).toMatchObject({ outcome: 'answered', answeredBy: agentA });
    const phoneRow = await t.app.orm.em.fork().findOneOrFail(CallTaskPhoneSchema, { task: taskId });
    expect(phoneRow.status).toBe('answered');

    // WeCom: the customer's card (masked number, task) and the script, to A only.
    const toA = await waitFor(() => (sentTo(`agent-a-${dialect}`, wecomBefore).length >= 2 ? sentTo(`agent-a-${dialect}`, wecomBefore) : null), 'the card and script to A');
    const card = toA.find((m) => m.msgtype === 'template_card')!;
    expect(cardText(card)).toContain('外呼已接通');
    expect(cardText(card)).toContain(`${phone.slice(0, 3)}****${phone.slice(7)}`);
    expect(cardText(card)).not.toContain(phone);
    expect(toA.some((m) => cardText(m).includes('节能机型'))).toBe(true);
    expect(sentTo(`agent-b-${dialect}`, wecomBefore)).toHaveLength(0);
  }, 180_000);

  it('agent mode: the salesperson does not answer in time → the callee hears the apology, the attempt is abandoned and the abandon rate reported', async () => {
    const phone = number();
    sw.outcome(phone, { kind: 'answer', afterMs: 10, talkMs: 60_000 });
    const { taskId, result, calls } = await runTask({ phoneNumbers: [phone], mode: 'agent', salesStaffIds: [agentC] });
    expect(result).toBe('completed');
    const channel = calls[0]!.channel!;
    expect(channel.executed.find((e) => e.app === 'bridge')!.arg).toContain('user/8102');
    expect(channel.bridgedTo).toBeUndefined();
    expect(channel.ringbackHeard).toBe(TONE);
    // The apology was prepared once as a WAV and played after the bridge failed, then the call hung up.
    const apps = channel.executed.map((e) => e.app);
    expect(apps.slice(apps.indexOf('bridge'))).toEqual(['bridge', 'playback', 'hangup']);
    expect(channel.heard.at(-1)).toBe(promptPath(dir, 'tts-1|nova', TASK_CALL_PROMPTS.apology));
    expect(channel.errors).toEqual([]);
    // Synthesised through audio.speech exactly once, with the configured model and voice, as WAV.
    expect(ai.speeches.filter((s) => s.input === TASK_CALL_PROMPTS.apology)).toEqual([expect.objectContaining({ model: 'tts-1', voice: 'nova', response_format: 'wav' })]);

    const call = await callOf(taskId);
    expect(call.outcome).toBe('abandoned');
    expect(call.answeredBy ?? null).toBeNull();
    const em = t.app.orm.em.fork();
    expect((await em.findOneOrFail(CallTaskPhoneSchema, { task: taskId })).status).toBe('abandoned');
    const detail = await callTaskDetail(em, manager, taskId);
    expect(detail).toMatchObject({ successfulCalls: 1, abandonedCalls: 1, abandonRate: 1 });
    const list = await listCallTasks(em, manager, { page: 1, size: 50, sort: 'createTime', order: 'desc' });
    expect(list.rows.find((r) => r.taskId === taskId)).toMatchObject({ abandonedCalls: 1, abandonRate: 1 });
    // The creator's completion card (sent once the call's analysis is done) has the new figures.
    const done = await waitFor(() => wecom.sent.filter((m) => m.touser === `mgr-${dialect}`).find((m) => cardText(m).includes(`任务编号：${taskId}`)), 'the completion card');
    expect(cardText(done)).toContain('放弃：1（放弃率 100.0%）');
  }, 180_000);

  /** The robot's menu is running on the call's channel: the callee presses `digit` (null: presses nothing). */
  const pressAtMenu = (digit: string | null) => async (call: FakeOutboundCall) => {
    const channel = await waitFor(() => call.channel, 'the call handed to our socket');
    await channel.waitFor('play_and_get_digits');
    if (digit) call.press!(digit);
  };

  it('robot mode, key 1: the script and menu play, the callee is transferred to the sales and becomes a lead with a card to its owner', async () => {
    const wecomBefore = wecom.sent.length;
    const phone = number();
    sw.outcome(phone, { kind: 'answer', afterMs: 10, talkMs: 60_000 });
    const script = '您好，这里是奥克斯空调，新款节能空调限时优惠。';
    const { taskId, result, calls } = await runTask({ phoneNumbers: [phone], mode: 'robot', salesStaffIds: [agentA], callScript: script }, pressAtMenu('1'));
    expect(result).toBe('completed');
    const channel = calls[0]!.channel!;
    const apps = channel.executed.map((e) => e.app);
    expect(apps.slice(apps.indexOf('record_session'))).toEqual(['record_session', 'play_and_get_digits', 'playback', 'bridge']);
    // The script with the menu, as the WAV prepared once; then "transferring" while A's phone rings (ringback).
    expect(channel.heard[0]).toBe(promptPath(dir, 'tts-1|nova', robotPromptText({ callScript: script })));
    expect(channel.executed.find((e) => e.app === 'play_and_get_digits')!.arg).toMatch(/^1 1 1 5000 # \S+\.wav silence_stream:\/\/250 salesops_digit \^\[12\]\$$/);
    expect(channel.bridgedTo).toBe('user/8101');
    expect(channel.ringbackHeard).toBe(TONE);

    // The key is recorded on the call; the lead reaches its owner (A, who took the call) in WeCom with 回拨.
    const em = t.app.orm.em.fork();
    const call = await callOf(taskId);
    expect(call).toMatchObject({ ivrChoice: '1', outcome: 'answered', answeredBy: agentA });
    const leadCard = await waitFor(() => sentTo(`agent-a-${dialect}`, wecomBefore).find((m) => cardText(m).includes('外呼意向客户')), 'the lead card to A');
    expect(cardText(leadCard)).toContain('回拨');
    expect(cardText(leadCard)).toContain(`callback:call:${call.uuid}`);
    const phoneRow = await em.findOneOrFail(CallTaskPhoneSchema, { task: taskId });
    expect(phoneRow.intended).toBe(true);
    const customer = await em.findOneOrFail(CustomerSchema, { phone: `+86${phone}` });
    expect(customer).toMatchObject({ ownerStaff: agentA, source: 'call_task', level: 'potential' });
    expect(await em.count(CustomerContactSchema, { customer: customer.id, mobile: `+86${phone}` })).toBe(1);
    const todo = await em.findOneOrFail(FollowUpTaskSchema, { relatedRecordId: call.uuid });
    expect(todo).toMatchObject({ assignedTo: agentA, source: 'call_task', priority: 'high' });
    expect((await callTaskDetail(em, manager, taskId)).intendedCustomers).toBe(1);
  }, 180_000);

  it('robot mode, key 2: the number is opted out in the consent ledger (source ivr) and never dialled again', async () => {
    const phone = number();
    sw.outcome(phone, { kind: 'answer', afterMs: 10, talkMs: 60_000 });
    const first = await runTask({ phoneNumbers: [phone], mode: 'robot', salesStaffIds: [agentA] }, pressAtMenu('2'));
    expect(first.result).toBe('completed');
    const channel = first.calls[0]!.channel!;
    expect(channel.heard.at(-1)).toBe(promptPath(dir, 'tts-1|nova', TASK_CALL_PROMPTS.optedOut));
    expect(channel.executed.some((e) => e.app === 'bridge')).toBe(false);
    const em = t.app.orm.em.fork();
    expect((await callOf(first.taskId)).ivrChoice).toBe('2');
    const rows = await em.find(ConsentSchema, { phone: `+86${phone}`, channel: 'call' }, { orderBy: { id: 'asc' } });
    expect(rows.at(-1)).toMatchObject({ state: 'opted_out', source: 'ivr' });

    // A later task with the same number: the opt-out is the number's latest ledger row, so it is skipped.
    const other = number();
    sw.outcome(other, { kind: 'answer', afterMs: 10, talkMs: 30 });
    const { taskId, calls } = await runTask({ phoneNumbers: [phone, other], grant: [other], mode: 'robot', salesStaffIds: [agentA] });
    expect(calls.some((c) => c.destination === phone)).toBe(false);
    expect(sw.calls.filter((c) => c.destination === phone)).toHaveLength(1);
    const skipped = await em.fork().findOneOrFail(CallTaskPhoneSchema, { task: taskId, phone: `+86${phone}` });
    expect(skipped).toMatchObject({ status: 'skipped', skipReason: 'OPTED_OUT' });
  }, 180_000);

  it('robot mode, no key: goodbye, the call ends and no lead is made', async () => {
    const phone = number();
    sw.outcome(phone, { kind: 'answer', afterMs: 10, talkMs: 60_000 });
    const { taskId, calls } = await runTask({ phoneNumbers: [phone], mode: 'robot', salesStaffIds: [agentA] }, pressAtMenu(null));
    const channel = calls[0]!.channel!;
    const apps = channel.executed.map((e) => e.app);
    expect(apps.slice(apps.indexOf('play_and_get_digits'))).toEqual(['play_and_get_digits', 'playback', 'hangup']);
    expect(channel.heard.at(-1)).toBe(promptPath(dir, 'tts-1|nova', TASK_CALL_PROMPTS.goodbye));
    const call = await callOf(taskId);
    expect(call.ivrChoice).toBe('none');
    // Its analysis (低意向) completes without a lead.
    await waitFor(async () => (await t.app.orm.em.fork().findOneOrFail(CallSchema, { id: call.id })).analysisStatus === 'COMPLETED', 'the analysis');
    expect((await t.app.orm.em.fork().findOneOrFail(CallTaskPhoneSchema, { task: taskId })).intended).toBe(false);
  }, 180_000);

  it('two robot calls at once: each control socket gets only its own channel\'s events; a key and a hangup on one call leave the other alone', async () => {
    // A salesperson of this test only, whose phone talks until the callee hangs up.
    const agentD = (await t.staffWithToken('sales', { wecomUserId: `agent-d-${dialect}`, name: '销售D' })).id;
    const em = t.app.orm.em.fork();
    await em.nativeUpdate(StaffSchema, { id: agentD }, { officeExt: '8104' });
    em.create(StaffStatusSchema, { staff: agentD, status: 'in_office', expiresAt: new Date(clock.now().getTime() + 6 * 3_600_000) });
    await em.flush();
    sw.phones.set('user/8104', { answer: true, afterMs: 5, talkMs: 10 * 60_000 });
    const [a, b] = [number(), number()];
    for (const p of [a, b]) sw.outcome(p, { kind: 'answer', afterMs: 10, talkMs: 60_000 });
    const { taskId, result, calls } = await runTask({ phoneNumbers: [a, b], mode: 'robot', salesStaffIds: [agentD] }, async (first) => {
      const second = await sw.waitForOriginate(sw.calls.indexOf(first) + 2);
      const [callA, callB] = [a, b].map((n) => [first, second].find((c) => c.destination === n));
      const [channelA, channelB] = await Promise.all([callA!, callB!].map((c) => waitFor(() => c.channel, 'the call handed to our socket')));
      await Promise.all([channelA!.waitFor('play_and_get_digits'), channelB!.waitFor('play_and_get_digits')]);
      // Both menus run. B presses 1 and talks with D; while B talks, A presses 2 and A's call ends (its socket closes).
      callB!.press!('1');
      await waitFor(() => channelB!.bridgedTo, 'B talking with the salesperson');
      callA!.press!('2');
      await callA!.ended;
      expect(callB!.hangupCause).toBeUndefined();
      // Then B's callee hangs up.
      sw.hangup(callB!);
    });
    expect(result).toBe('completed');
    const byNumber = (n: string) => calls.find((c) => c.destination === n)!;
    const [callA, callB] = [byNumber(a), byNumber(b)];
    // The switch offers every event to every outbound socket subscribed to its name: each socket, filtered by its
    // channel, got its own CHANNEL_EXECUTE_COMPLETEs and not one of the other call's (nor a BACKGROUND_JOB).
    for (const c of [callA, callB]) {
      expect(c.channel!.received.map((e) => e['Event-Name'])).toContain('CHANNEL_EXECUTE_COMPLETE');
      expect(c.channel!.received.filter((e) => e['Unique-ID'] !== c.uuid)).toEqual([]);
    }
    // A opted out and was never transferred; B was transferred to D and was not opted out.
    expect(callA.channel!.executed.some((e) => e.app === 'bridge')).toBe(false);
    expect(callA.channel!.heard.at(-1)).toBe(promptPath(dir, 'tts-1|nova', TASK_CALL_PROMPTS.optedOut));
    expect(callB.channel!.bridgedTo).toBe('user/8104');
    expect(callB.channel!.heard).not.toContain(promptPath(dir, 'tts-1|nova', TASK_CALL_PROMPTS.optedOut));
    const rows = await waitFor(async () => {
      const r = await t.app.orm.em.fork().find(CallSchema, { task: taskId });
      return r.length === 2 && r.every((c) => c.endedAt) ? r : null;
    }, 'both calls ended');
    expect(Object.fromEntries(rows.map((r) => [r.callee.slice(3), r.ivrChoice]))).toEqual({ [a]: '2', [b]: '1' });
    const ledger = async (n: string) => (await t.app.orm.em.fork().find(ConsentSchema, { phone: `+86${n}`, channel: 'call' }, { orderBy: { id: 'asc' } })).at(-1);
    expect(await ledger(a)).toMatchObject({ state: 'opted_out', source: 'ivr' });
    expect(await ledger(b)).toMatchObject({ state: 'granted' });
  }, 180_000);

  it('analysis: a high-intention call becomes a lead for the task creator within the run; the analysis is stored as seed 004 §2.5 says', async () => {
    const wecomBefore = wecom.sent.length;
    const phone = number();
    sw.outcome(phone, { kind: 'answer', afterMs: 10, talkMs: 60_000 });
    // No sales named: the creator (the manager) takes the call and owns the lead.
    await t.app.orm.em.fork().nativeUpdate(StaffSchema, { id: manager.staffId }, { officeExt: '8101' });
    const em = t.app.orm.em.fork();
    em.create(StaffStatusSchema, { staff: manager.staffId, status: 'in_office', expiresAt: new Date(clock.now().getTime() + 3_600_000) });
    await em.flush();
    const { taskId, calls } = await runTask({ phoneNumbers: [phone], mode: 'agent' }, async (c) => {
      transcripts.set(c.uuid, '客户：HOT 这个价格可以，我们想合作，请尽快联系我。');
    });
    expect(calls[0]!.channel!.bridgedTo).toBe('user/8101');
    const call = await callOf(taskId);
    expect(call.answeredBy).toBe(manager.staffId);
    const card = await waitFor(() => sentTo(`mgr-${dialect}`, wecomBefore).find((m) => cardText(m).includes('外呼意向客户')), 'the lead card to the creator');
    expect(cardText(card)).toContain('回拨');
    const check = t.app.orm.em.fork();
    const done = await check.findOneOrFail(CallSchema, { id: call.id });
    expect(done.analysisStatus).toBe('COMPLETED');
    const a = await check.findOneOrFail(CallAnalysisSchema, { call: call.id });
    expect(a).toMatchObject({ sentiment: 'POSITIVE', intention: '高意向', intentionScore: 0.92, keywords: ['价格', '合作'], transcription: '客户：HOT 这个价格可以，我们想合作，请尽快联系我。' });
    expect((await check.findOneOrFail(CallTaskPhoneSchema, { task: taskId })).intended).toBe(true);
    expect(await check.findOneOrFail(FollowUpTaskSchema, { relatedRecordId: call.uuid })).toMatchObject({ assignedTo: manager.staffId, reason: 'call_task_high_intention' });
    expect((await listCallTasks(check, manager, { page: 1, size: 50, sort: 'createTime', order: 'desc' })).rows.find((r) => r.taskId === taskId)!.intendedCustomers).toBe(1);
    const completion = await waitFor(() => sentTo(`mgr-${dialect}`, wecomBefore).find((m) => cardText(m).includes(`任务编号：${taskId}`)), 'the completion card');
    expect(cardText(completion)).toContain('意向客户：1');
  }, 180_000);

  it('analysis: a model that answers invalid JSON is asked once more, then the call is FAILED with the reason', async () => {
    const phone = number();
    sw.outcome(phone, { kind: 'answer', afterMs: 10, talkMs: 60_000 });
    const { taskId } = await runTask({ phoneNumbers: [phone], mode: 'agent', salesStaffIds: [agentA] }, async (c) => {
      transcripts.set(c.uuid, '客户：BROKEN');
    });
    const call = await callOf(taskId);
    const failed = await waitFor(async () => {
      const c = await t.app.orm.em.fork().findOneOrFail(CallSchema, { id: call.id });
      return c.analysisStatus === 'FAILED' ? c : null;
    }, 'the analysis to fail');
    expect(failed.analysisError).toMatch(/^invalid model JSON after one retry: not JSON/);
    expect(ai.chats.filter((c) => c.messages.some((m) => m.content.includes('BROKEN')))).toHaveLength(2);
    expect((await t.app.orm.em.fork().findOneOrFail(CallAnalysisSchema, { call: call.id })).failureReason).toMatch(/invalid model JSON/);
    expect((await t.app.orm.em.fork().findOneOrFail(CallTaskPhoneSchema, { task: taskId })).intended).toBe(false);
  }, 180_000);
  it('robot mode, the speech service fails for the script: the switch\'s own TTS speaks it, then the menu runs as usual', async () => {
    const phone = number();
    sw.outcome(phone, { kind: 'answer', afterMs: 10, talkMs: 60_000 });
    const script = '您好，语音服务故障时由交换机朗读这段话。';
    const { taskId, result, calls } = await runTask({ phoneNumbers: [phone], mode: 'robot', salesStaffIds: [agentA], callScript: script, promptsFail: true }, pressAtMenu(null));
    expect(result).toBe('completed');
    expect(existsSync(promptPath(dir, 'tts-1|nova', robotPromptText({ callScript: script })))).toBe(false);
    const channel = calls[0]!.channel!;
    const apps = channel.executed.map((e) => e.app);
    expect(apps.slice(apps.indexOf('record_session'))).toEqual(['record_session', 'speak', 'play_and_get_digits', 'playback', 'hangup']);
    // FREESWITCH_TTS (default tts_commandline|default) reads the script and the menu; the menu waits on silence.
    expect(channel.executed.find((e) => e.app === 'speak')!.arg).toBe(`tts_commandline|default|${robotPromptText({ callScript: script }).replace(/\s+/g, ' ')}`);
    expect(channel.executed.find((e) => e.app === 'play_and_get_digits')!.arg).toContain(' # silence_stream://250 silence_stream://250 salesops_digit ');
    expect(channel.errors).toEqual([]);
    expect((await callOf(taskId)).ivrChoice).toBe('none');
  }, 180_000);

  it('leads of a task naming its sales go round them: the first high-intention call to the lowest id, the next to the other', async () => {
    const wecomBefore = wecom.sent.length;
    const phones = [number(), number()];
    for (const p of phones) sw.outcome(p, { kind: 'answer', afterMs: 10, talkMs: 60_000 });
    // Both callees say something hot (their transcripts are set by call id as the two originates arrive);
    // the two after-call jobs then make the two leads at about the same moment.
    const { taskId } = await runTask({ phoneNumbers: phones, mode: 'robot', salesStaffIds: [agentC, agentA] }, async (c) => {
      const second = await sw.waitForOriginate(sw.calls.indexOf(c) + 2);
      for (const x of [c, second]) transcripts.set(x.uuid, '客户：HOT 价格合适，我们想合作。');
    });
    const calls = await waitFor(async () => {
      const rows = await t.app.orm.em.fork().find(CallSchema, { task: taskId }, { orderBy: { id: 'asc' } });
      return rows.length === 2 && rows.every((r) => r.endedAt) ? rows : null;
    }, 'both calls ended');
    const owners = await waitFor(async () => {
      const todos = await t.app.orm.em.fork().find(FollowUpTaskSchema, { relatedRecordId: { $in: calls.map((c) => c.uuid) } });
      return todos.length === 2 ? todos.map((x) => x.assignedTo).sort((a, b) => Number(a) - Number(b)) : null;
    }, 'both leads');
    expect(owners).toEqual([agentA, agentC].sort((a, b) => a - b));
    expect((await callTaskDetail(t.app.orm.em.fork(), manager, taskId)).intendedCustomers).toBe(2);
    for (const user of [`agent-a-${dialect}`, `agent-c-${dialect}`]) {
      await waitFor(() => sentTo(user, wecomBefore).find((m) => cardText(m).includes('外呼意向客户')), `the lead card to ${user}`);
    }
  }, 180_000);
});
