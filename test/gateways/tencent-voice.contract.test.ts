import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createTencentVoiceGateway, type TencentVoiceOptions } from '../../src/gateways/tencent/tencent-voice-gateway.js';
import { FakeTencentCloud } from '../support/fake-tencent-cloud.js';
import { gate } from '../support/wait-for.js';

describe('Tencent Cloud voice message adapter against a local TC3-verifying fake of the VMS API', () => {
  const fake = new FakeTencentCloud({ voiceSdkAppId: '1400654321' });
  beforeAll(async () => fake.start());
  afterAll(async () => fake.stop());
  beforeEach(() => fake.reset());

  const gateway = (over: Partial<TencentVoiceOptions> = {}) =>
    createTencentVoiceGateway({
      secretId: fake.secretId,
      secretKey: fake.secretKey,
      voiceSdkAppId: '1400654321',
      templateId: '4356',
      region: 'ap-guangzhou',
      endpoint: fake.endpoint,
      timeoutMs: 1000,
      playTimes: 2,
      ...over,
    });
  const call = { callId: 'call-42', to: '+8613800138000', script: '张先生您好，本周六门店会员日，诚邀您到店。' };

  it('places a text-to-speech call with the script as the template parameter and our call id as SessionContext', async () => {
    const res = await gateway().placeCall(call);
    expect(res).toEqual({ ok: true, carrierCallId: expect.stringMatching(/^[0-9a-f-]{36}$/) });
    expect(fake.rejected).toEqual([]);
    expect(fake.requests).toEqual([
      expect.objectContaining({
        action: 'SendTtsVoice',
        phones: ['+8613800138000'],
        templateId: '4356',
        params: [call.script],
        sessionContext: 'call-42',
        sdkAppId: '1400654321',
        callId: res.ok ? res.carrierCallId : 'none',
      }),
    ]);
  });

  it('turns a wrong secret key into UNAVAILABLE naming the auth failure; nothing is called', async () => {
    const res = await gateway({ secretKey: 'wrong' }).placeCall(call);
    expect(res).toMatchObject({ ok: false, code: 'UNAVAILABLE', message: expect.stringContaining('AuthFailure.SignatureFailure') });
    expect(fake.requests).toEqual([]);
  });

  it('maps Tencent refusals to the port codes', async () => {
    expect(await gateway().placeCall({ ...call, to: '+86123' })).toMatchObject({ ok: false, code: 'INVALID_NUMBER' });
    fake.setPhone(call.to, { code: 'FailedOperation.TemplateIncorrectOrUnapproved', times: 1 });
    expect(await gateway().placeCall(call)).toMatchObject({ ok: false, code: 'REJECTED', message: expect.stringContaining('TemplateIncorrectOrUnapproved') });
    fake.setPhone(call.to, { code: 'LimitExceeded.DeliveryFrequencyLimit', times: 1 });
    expect(await gateway().placeCall(call)).toMatchObject({ ok: false, code: 'REJECTED' });
    fake.program({ action: 'SendTtsVoice', error: { code: 'RequestLimitExceeded' } });
    expect(await gateway().placeCall(call)).toMatchObject({ ok: false, code: 'UNAVAILABLE' });
    fake.program({ action: 'SendTtsVoice', error: { code: 'FailedOperation.InsufficientBalanceInVoicePackage' } });
    expect(await gateway().placeCall(call)).toMatchObject({ ok: false, code: 'UNAVAILABLE' });
    fake.program({ action: 'SendTtsVoice', error: { code: 'InternalError.AccessUpstreamTimeout' } });
    expect(await gateway().placeCall(call)).toMatchObject({ ok: false, code: 'OUTCOME_UNKNOWN' });
    expect(fake.requests).toEqual([]);
    expect(await gateway().placeCall(call)).toMatchObject({ ok: true });
  });

  it('turns a lost answer into OUTCOME_UNKNOWN within the per-call timeout', async () => {
    // The answer is held until the result is in: only the per-call timeout (not the gateway's 5 s) can end it.
    const answer = gate();
    fake.program({ action: 'SendTtsVoice', hold: answer.passed });
    const started = Date.now();
    const res = await gateway({ timeoutMs: 60_000 }).placeCall({ ...call, timeoutMs: 300 });
    answer.open();
    expect(res).toMatchObject({ ok: false, code: 'OUTCOME_UNKNOWN' });
    // Ended by the call's 300 ms, not by the gateway's 60 s (the only bound here: no load delays a timer by a minute).
    const elapsed = Date.now() - started;
    expect(elapsed).toBeGreaterThanOrEqual(290);
    expect(elapsed).toBeLessThan(60_000);
    expect(fake.requests).toHaveLength(1);
  });

  it('clamps the play count to the 1-3 Tencent accepts (the fake refuses anything else)', async () => {
    expect(await gateway({ playTimes: 9 }).placeCall(call)).toMatchObject({ ok: true });
    expect(fake.rejected).toEqual([]);
  });
});
