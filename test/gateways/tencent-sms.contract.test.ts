import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createTencentSmsGateway, type TencentSmsOptions } from '../../src/gateways/tencent/tencent-sms-gateway.js';
import { FakeTencentCloud } from '../support/fake-tencent-cloud.js';
import { gate } from '../support/wait-for.js';

const phones = (n: number, from = 0) => Array.from({ length: n }, (_, i) => `+86139${String(10_000_000 + from + i).slice(-8)}`);

describe('Tencent Cloud SMS adapter against a local TC3-verifying fake of the SMS API', () => {
  const fake = new FakeTencentCloud({ smsSdkAppId: '1400123456' });
  beforeAll(async () => fake.start());
  afterAll(async () => fake.stop());
  beforeEach(() => fake.reset());

  const gateway = (over: Partial<TencentSmsOptions> = {}) =>
    createTencentSmsGateway({
      secretId: fake.secretId,
      secretKey: fake.secretKey,
      sdkAppId: '1400123456',
      signName: '腾讯云',
      region: 'ap-guangzhou',
      endpoint: fake.endpoint,
      timeoutMs: 1000,
      ...over,
    });

  it('sends through a signed request that carries our request id in SessionContext', async () => {
    const res = await gateway().send({ requestId: 'batch-7:chunk-3', phones: ['+8613800138000', '+8613900139000'], templateId: '1110', params: ['张先生', '8折'] });
    expect(res.ok).toBe(true);
    if (!res.ok) return;
    expect(res.outcomes).toHaveLength(2);
    for (const o of res.outcomes) expect(o).toMatchObject({ status: 'sent', serialNo: expect.stringMatching(/^2433:/), fee: 1 });
    expect(fake.rejected).toEqual([]);
    expect(fake.requests).toHaveLength(1);
    expect(fake.requests[0]).toMatchObject({
      action: 'SendSms',
      sessionContext: 'batch-7:chunk-3',
      phones: ['+8613800138000', '+8613900139000'],
      templateId: '1110',
      params: ['张先生', '8折'],
      signName: '腾讯云',
      sdkAppId: '1400123456',
    });
  });

  it('is refused with a wrong secret key or id: an auth failure value, nothing sent', async () => {
    const wrongKey = await gateway({ secretKey: 'not-the-key' }).send({ requestId: 'r1', phones: ['+8613800138000'], templateId: '1', params: [] });
    expect(wrongKey).toMatchObject({ ok: false, code: 'AuthFailure.SignatureFailure', retryable: false });
    const wrongId = await gateway({ secretId: 'AKIDsomeoneelse' }).send({ requestId: 'r2', phones: ['+8613800138000'], templateId: '1', params: [] });
    expect(wrongId).toMatchObject({ ok: false, code: 'AuthFailure.SecretIdNotFound', retryable: false });
    expect(fake.requests).toEqual([]);
    expect(fake.sentPhones()).toEqual([]);
  });

  it('maps each per-number code to a domain outcome', async () => {
    fake.setPhone('+8613800000001', { code: 'LimitExceeded.PhoneNumberThirtySecondLimit' });
    fake.setPhone('+8613800000002', { code: 'LimitExceeded.PhoneNumberDailyLimit' });
    fake.setPhone('+8613800000003', { code: 'FailedOperation.PhoneNumberInBlacklist' });
    fake.setPhone('+8613800000004', { code: 'LimitExceeded.PhoneNumberOneHourLimit' });
    fake.setPhone('+8613800000005', { code: 'FailedOperation.ContainSensitiveWord', message: '含有敏感词' });
    fake.setPhone('+8613800000006', { code: 'Ok', fee: 2 });
    // 2026-11-03 22:30 in Shanghai: the daily cap resets in 90 minutes.
    const now = () => new Date('2026-11-03T14:30:00Z');
    const res = await gateway({ now }).send({
      requestId: 'r',
      phones: ['+8613800000001', '+8613800000002', '+8613800000003', '+8613800000004', '+8613800000005', '+8613800000006', '+86123'],
      templateId: '1',
      params: [],
    });
    expect(res).toEqual({
      ok: true,
      outcomes: [
        { phone: '+8613800000001', status: 'deferred', code: 'LimitExceeded.PhoneNumberThirtySecondLimit', retryAfterMs: 30_000 },
        { phone: '+8613800000002', status: 'deferred', code: 'LimitExceeded.PhoneNumberDailyLimit', retryAfterMs: 90 * 60_000 },
        { phone: '+8613800000003', status: 'opted_out', code: 'FailedOperation.PhoneNumberInBlacklist' },
        { phone: '+8613800000004', status: 'deferred', code: 'LimitExceeded.PhoneNumberOneHourLimit', retryAfterMs: 3_600_000 },
        { phone: '+8613800000005', status: 'failed', code: 'FailedOperation.ContainSensitiveWord', message: '含有敏感词' },
        { phone: '+8613800000006', status: 'sent', serialNo: expect.stringMatching(/^2433:/), fee: 2 },
        { phone: '+86123', status: 'failed', code: 'InvalidParameterValue.IncorrectPhoneNumber', message: 'incorrect phone number' },
      ],
    });
    expect(fake.sentPhones()).toEqual(['+8613800000006']);
  });

  it('matches outcomes to numbers however they were spelled', async () => {
    const res = await gateway().send({ requestId: 'r', phones: ['13800138000', '008613900139000'], templateId: '1', params: [] });
    expect(res.ok && res.outcomes.map((o) => [o.phone, o.status])).toEqual([
      ['13800138000', 'sent'],
      ['008613900139000', 'sent'],
    ]);
  });

  it('sends 200 numbers in one request, and refuses 201 as a whole', async () => {
    const res = await gateway().send({ requestId: 'big', phones: phones(200), templateId: '1', params: [] });
    expect(res.ok && res.outcomes.filter((o) => o.status === 'sent')).toHaveLength(200);
    const serials = res.ok ? res.outcomes.map((o) => (o.status === 'sent' ? o.serialNo : '')) : [];
    expect(new Set(serials).size).toBe(200);
    expect(fake.requests).toHaveLength(1);
    expect(fake.requests[0]!.phones).toHaveLength(200);

    const tooMany = await gateway().send({ requestId: 'big2', phones: phones(201), templateId: '1', params: [] });
    expect(tooMany).toMatchObject({ ok: false, code: 'LimitExceeded.PhoneNumberCountLimit', retryable: false });
    expect(fake.requests).toHaveLength(1);
  });

  it('says which whole-request errors are worth retrying', async () => {
    const send = () => gateway().send({ requestId: 'r', phones: ['+8613800138000'], templateId: '1', params: [] });
    const cases: Array<[string, boolean]> = [
      ['RequestLimitExceeded', true],
      ['InternalError', true],
      ['LimitExceeded.AppDailyLimit', true],
      ['InvalidParameterValue.TemplateParameterFormatError', false],
      ['FailedOperation.SignatureIncorrectOrUnapproved', false],
      ['UnauthorizedOperation.SmsSdkAppIdVerifyFail', false],
    ];
    for (const [code, retryable] of cases) {
      fake.program({ action: 'SendSms', error: { code, message: `fake ${code}` } });
      expect(await send()).toEqual({ ok: false, code, message: `fake ${code}`, retryable });
    }
    expect(fake.requests).toEqual([]);
  });

  it('treats Tencent-side send timeouts and gateway errors as OUTCOME_UNKNOWN, 503 as retryable', async () => {
    const send = () => gateway().send({ requestId: 'r', phones: ['+8613800138000'], templateId: '1', params: [] });
    fake.program({ action: 'SendSms', error: { code: 'InternalError.Timeout' } });
    expect(await send()).toMatchObject({ ok: false, code: 'OUTCOME_UNKNOWN', retryable: false });
    fake.program({ action: 'SendSms', httpStatus: 502 });
    expect(await send()).toMatchObject({ ok: false, code: 'OUTCOME_UNKNOWN', retryable: false });
    fake.program({ action: 'SendSms', httpStatus: 503 });
    expect(await send()).toMatchObject({ ok: false, code: 'HTTP_503', retryable: true });
  });

  it('turns a lost answer into OUTCOME_UNKNOWN within the timeout; a status pull then settles it', async () => {
    // The answer is held until the result is in: only the client's timeout can end the wait.
    const answer = gate();
    fake.program({ action: 'SendSms', hold: answer.passed });
    const started = Date.now();
    const res = await gateway({ timeoutMs: 400 }).send({ requestId: 'batch-9:chunk-1', phones: ['+8613800138000'], templateId: '1', params: [] });
    const elapsed = Date.now() - started;
    answer.open();
    // Our deadline ended it (not the SDK's own, whole-second request timeout).
    expect(res).toMatchObject({ ok: false, code: 'OUTCOME_UNKNOWN', retryable: false, message: expect.stringContaining('no answer within the timeout') });
    expect(elapsed).toBeGreaterThanOrEqual(380);
    // Tencent did act on it: that is why the domain must not resend.
    expect(fake.sentPhones()).toEqual(['+8613800138000']);

    const pulled = await gateway().pullStatus();
    expect(pulled).toEqual({
      ok: true,
      reports: [
        {
          serialNo: expect.stringMatching(/^2433:/),
          phone: '+8613800138000',
          status: 'delivered',
          receivedAt: expect.any(Date),
          description: '用户短信送达成功',
          requestId: 'batch-9:chunk-1',
        },
      ],
    });
  });

  it('turns a connection dropped after the request into OUTCOME_UNKNOWN', async () => {
    fake.program({ action: 'SendSms', drop: true });
    const res = await gateway().send({ requestId: 'r', phones: ['+8613800138000'], templateId: '1', params: [] });
    expect(res).toMatchObject({ ok: false, code: 'OUTCOME_UNKNOWN', retryable: false });
    expect(fake.requests).toHaveLength(1);
  });

  it('reports a refused connection as retryable UNAVAILABLE: nothing can have been sent', async () => {
    const closed = await freePort();
    const res = await gateway({ endpoint: `http://127.0.0.1:${closed}` }).send({ requestId: 'r', phones: ['+8613800138000'], templateId: '1', params: [] });
    expect(res).toMatchObject({ ok: false, code: 'UNAVAILABLE', retryable: true });
  });

  it('pulls delivery reports as domain values, each once, at most `limit` at a time', async () => {
    fake.setPhone('+8613800000002', { code: 'Ok', report: 'FAIL' });
    const sent = await gateway().send({ requestId: 'req-1', phones: ['+8613800000001', '+8613800000002', '+8613800000003'], templateId: '1', params: [] });
    const serials = sent.ok ? sent.outcomes.map((o) => (o.status === 'sent' ? o.serialNo : '')) : [];

    const first = await gateway().pullStatus({ limit: 2 });
    const second = await gateway().pullStatus({ limit: 2 });
    const third = await gateway().pullStatus();
    expect(first.ok && first.reports.map((r) => [r.serialNo, r.phone, r.status, r.requestId])).toEqual([
      [serials[0], '+8613800000001', 'delivered', 'req-1'],
      [serials[1], '+8613800000002', 'failed', 'req-1'],
    ]);
    expect(second.ok && second.reports.map((r) => r.serialNo)).toEqual([serials[2]]);
    expect(third).toEqual({ ok: true, reports: [] });
  });

  it('returns a pull failure as a value', async () => {
    expect(await gateway({ secretKey: 'wrong' }).pullStatus()).toMatchObject({ ok: false, code: 'AuthFailure.SignatureFailure', retryable: false });
    fake.program({ action: 'PullSmsSendStatus', delayMs: 2000 });
    expect(await gateway({ timeoutMs: 300 }).pullStatus()).toMatchObject({ ok: false, code: 'OUTCOME_UNKNOWN', retryable: true });
  });
});

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}
