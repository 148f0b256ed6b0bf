import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { recordConsent } from '../../src/domain/compliance/consent-ledger.service.js';
import { bootApp, type TestApp } from '../support/app.js';
import { beijingMorningClock } from '../support/beijing-morning-clock.js';
import { DIALECTS } from '../support/database.js';
import { waitFor } from '../support/wait-for.js';
import { FakeEventSocket, switchEnv } from './support/fake-switch.js';

/**
 * Outreach calls placed through FreeSWITCH (`bgapi originate` on the event socket): the result comes as
 * BACKGROUND_JOB only because we subscribe to it; a lost result is OUTCOME_UNKNOWN — never a failure that
 * invites a second call — and the channel's own events (our call id travels as salesops_call_id) settle it.
 */
describe.each(DIALECTS)('outreach calls through the switch (%s)', (dialect) => {
  let t: TestApp;
  let fs: FakeEventSocket;
  let manager: { id: number; token: string };
  const sql = (query: string, params: unknown[] = []) => t.app.orm.em.fork().getConnection().execute<Record<string, unknown>[]>(query, params);
  const callLog = async (callId: string) => (await sql('select status, duration, error_message from call_logs where call_id = ?', [callId]))[0]!;
  const place = (phoneNumber: string) => t.call('POST', '/api/ai-ops/outreach/call', { token: manager.token, json: { phoneNumber, scriptContent: '您好，周末有活动。' } });

  beforeAll(async () => {
    fs = await new FakeEventSocket().start();
    // The default FREESWITCH_TTS engine; without its module the switch hangs up right after the answer.
    fs.modules.add('mod_tts_commandline');
    t = await bootApp(dialect, {
      JOBS_ENABLED: 'false',
      MARKETING_HOURS: '00:00-24:00',
      ...switchEnv(fs),
      // Calls wait for the carrier's 08:00–21:00 Beijing: the app's clock is inside it at any hour.
    }, { clock: beijingMorningClock() });
    await t.app.telephony!.events.ready(20_000);
    manager = await t.staffWithToken('manager');
    const em = t.app.orm.em.fork();
    for (const phone of ['13900007001', '13900007002', '13900007003', '13900007004']) recordConsent(em, { phone, channel: 'call', state: 'granted', source: 'test' });
    await em.flush();
  });
  afterAll(async () => {
    await t?.close();
    await fs.stop();
  });
  beforeEach(() => {
    fs.outcome('default', { kind: 'answer', afterMs: 5, talkMs: 20 });
  });

  it('learns the result (BACKGROUND_JOB) and settles the call log from the hangup: answered → completed', async () => {
    fs.outcome('13900007001', { kind: 'answer', afterMs: 5, talkMs: 20 });
    const res = await place('13900007001');
    expect(res.status).toBe(200);
    expect(res.body.data).toMatchObject({ status: 'initiated' });
    expect(res.body.data.error).toBeUndefined();
    const call = fs.calls.at(-1)!;
    expect(call.vars['salesops_call_id']).toBe(res.body.data.callId);
    await waitFor(async () => (await callLog(res.body.data.callId))['status'] === 'completed', 'the call log completed');
  });

  it('a busy callee is recorded busy at once', async () => {
    fs.outcome('13900007002', { kind: 'busy' });
    const res = await place('13900007002');
    expect(res.body.data).toMatchObject({ status: 'busy', error: 'CALLEE_BUSY' });
    expect((await callLog(res.body.data.callId))['status']).toBe('busy');
  });

  it('a result lost with the connection is OUTCOME_UNKNOWN (still initiated), then the channel events settle it', async () => {
    fs.outcome('13900007003', { kind: 'held' });
    const pending = place('13900007003');
    const call = await fs.waitForOriginate();
    const resubscribed = fs.nextSubscription();
    fs.dropAll();
    const res = await pending;
    expect(res.status).toBe(200);
    expect(res.body.data).toMatchObject({ status: 'initiated', error: 'OUTCOME_UNKNOWN' });
    expect(await callLog(res.body.data.callId)).toMatchObject({ status: 'initiated', error_message: expect.stringContaining('OUTCOME_UNKNOWN') });
    await resubscribed;
    await waitFor(() => fs.subscribers('CHANNEL_ANSWER') === 1, 'the event client back');
    call.pickUp!(30_000);
    await waitFor(async () => (await callLog(res.body.data.callId))['status'] === 'answered', 'the call log answered');
    fs.hangup(call, 'NORMAL_CLEARING');
    await waitFor(async () => (await callLog(res.body.data.callId))['status'] === 'completed', 'the call log completed');
    // One originate for one request: nothing dialled the customer a second time.
    expect(fs.calls.filter((c) => c.destination === '13900007003')).toHaveLength(1);
  });

  it('an unknown outcome that ends unanswered settles as no answer', async () => {
    fs.outcome('13900007004', { kind: 'held' });
    const pending = place('13900007004');
    const call = await fs.waitForOriginate();
    const resubscribed = fs.nextSubscription();
    fs.dropAll();
    expect((await pending).body.data).toMatchObject({ error: 'OUTCOME_UNKNOWN' });
    await resubscribed;
    await waitFor(() => fs.subscribers('CHANNEL_HANGUP_COMPLETE') === 1, 'the event client back');
    fs.hangup(call, 'NO_ANSWER');
    const callId = (await sql("select call_id from call_logs where phone_number = '+8613900007004'"))[0]!['call_id'] as string;
    await waitFor(async () => (await callLog(callId))['status'] === 'no_answer', 'the call log no_answer');
  });
});
