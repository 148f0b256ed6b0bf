import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { bootApp, type TestApp } from '../support/app.js';
import { DIALECTS } from '../support/database.js';
import { FakeTencentCloud } from '../support/fake-tencent-cloud.js';
import { recordConsent } from '../../src/domain/compliance/consent-ledger.service.js';
import { localParts } from '../../src/domain/shared/business-time.js';
import { closedWindow } from '../support/closed-window.js';
import { sendPendingSms } from '../../src/domain/outreach/sms-send.service.js';
import { smsSettings, tencentOutreachDeps } from './outreach-fixtures.js';
import { waitFor } from '../support/wait-for.js';

const CALLBACK = 'cb-token-0123456789abcdef';

describe.each(DIALECTS)('SMS outreach on %s', (dialect) => {
  const fake = new FakeTencentCloud({ smsSdkAppId: '1400000001' });
  let t: TestApp;
  let manager: { id: number; token: string };
  let sales: { id: number; token: string };

  /** Records the state for one number or many (many in one flush: 450 round trips would be slow on a loaded machine). */
  const consent = async (phones: string | string[], state: 'granted' | 'opted_out' | 'blacklisted') => {
    const em = t.app.orm.em.fork();
    for (const phone of [phones].flat()) recordConsent(em, { phone, channel: 'sms', state, source: 'test' });
    await em.flush();
  };
  const deps = () => tencentOutreachDeps(fake, t.app.jobQueue);
  const send = (json: Record<string, unknown>, token = sales.token) => t.call('POST', '/api/ai-ops/outreach/sms', { token, json });

  beforeAll(async () => {
    await fake.start();
    t = await bootApp(dialect, {
      ...smsSettings(fake, CALLBACK),
      SMS_SETTLE_AFTER_MS: '1000',
    });
    manager = await t.staffWithToken('manager');
    sales = await t.staffWithToken('sales');
    const tpl = (json: Record<string, unknown>) => t.call('POST', '/api/ai-ops/outreach/templates', { token: manager.token, json });
    expect((await tpl({ code: 'TPL_THANKS', name: '到店感谢', category: 'notification', vendorTemplateId: '100001', content: '{1}您好，感谢您的光临！', paramNames: ['name'] })).status).toBe(201);
    expect((await tpl({ code: 'TPL_PROMO', name: '周末活动', category: 'marketing', vendorTemplateId: '100002', content: '{1}本周末特惠：{2}', paramNames: ['name', 'offer'] })).status).toBe(201);
  });
  afterAll(async () => {
    await t?.close();
    await fake.stop();
  });
  beforeEach(() => fake.reset());

  describe('templates', () => {
    it('ends marketing templates with the opt-out text and validates parameters', async () => {
      const promo = await t.call('GET', '/api/ai-ops/outreach/templates/TPL_PROMO', { token: sales.token });
      expect(promo.body.data.content).toBe('{1}本周末特惠：{2}拒收请回复R');
      const gap = await t.call('POST', '/api/ai-ops/outreach/templates', { token: manager.token, json: { code: 'TPL_GAP', name: 'x', category: 'reminder', content: '{1}和{3}', paramNames: ['a', 'b'] } });
      expect(gap.body).toMatchObject({ code: 422, error: 'INVALID_TEMPLATE_CONTENT' });
      const names = await t.call('POST', '/api/ai-ops/outreach/templates', { token: manager.token, json: { code: 'TPL_N', name: 'x', category: 'reminder', content: '{1}', paramNames: [] } });
      expect(names.body.error).toBe('INVALID_TEMPLATE_PARAMS');
      const dup = await t.call('POST', '/api/ai-ops/outreach/templates', { token: manager.token, json: { code: 'TPL_PROMO', name: 'x', category: 'reminder', content: 'x', paramNames: [] } });
      expect(dup.status).toBe(409);
      expect((await t.call('GET', '/api/ai-ops/outreach/templates/NOPE', { token: sales.token })).status).toBe(404);
      expect((await t.call('POST', '/api/ai-ops/outreach/templates', { token: sales.token, json: {} })).status).toBe(403);
    });

    it('updates and deactivates a template; a deactivated one cannot be sent', async () => {
      const create = await t.call('POST', '/api/ai-ops/outreach/templates', { token: manager.token, json: { code: 'TPL_OLD', name: '旧模板', category: 'notification', vendorTemplateId: '1', content: '您好', paramNames: [] } });
      expect(create.status).toBe(201);
      const put = await t.call('PUT', '/api/ai-ops/outreach/templates/TPL_OLD', { token: manager.token, json: { name: '改名' } });
      expect(put.body.data.name).toBe('改名');
      expect((await t.call('DELETE', '/api/ai-ops/outreach/templates/TPL_OLD', { token: manager.token })).body.data.active).toBe(false);
      expect((await send({ phoneNumber: '13800001111', templateId: 'TPL_OLD' })).status).toBe(404);
    });
  });

  describe('single send', () => {
    it('sends a notification through Tencent Cloud with our message id in SessionContext', async () => {
      const res = await send({ phoneNumber: '138 0013 8000', templateId: 'TPL_THANKS', params: ['张先生'], message: '张先生您好，感谢您的光临！' });
      expect(res.status).toBe(200);
      expect(res.body.data).toMatchObject({ status: 'sent', content: '张先生您好，感谢您的光临！' });
      expect(res.body.data.serialNo).toBeTruthy();
      expect(fake.requests).toHaveLength(1);
      expect(fake.requests[0]).toMatchObject({ phones: ['+8613800138000'], templateId: '100001', params: ['张先生'] });
      expect(fake.requests[0]!.sessionContext).toBeTruthy();
      const history = await t.app.orm.em.fork().getConnection().execute<{ n: number }[]>(`select count(*) as n from contact_history where phone = '+8613800138000' and channel = 'sms'`);
      expect(Number(history[0]!.n)).toBe(1);
    });

    it('refuses marketing without consent, to opted-out or blacklisted numbers, and sends nothing', async () => {
      const noConsent = await send({ phoneNumber: '13900000001', templateId: 'TPL_PROMO', params: ['李女士', '8折'] });
      expect(noConsent.body).toMatchObject({ code: 409, error: 'RECIPIENT_NO_CONSENT' });
      await consent('13900000002', 'opted_out');
      expect((await send({ phoneNumber: '13900000002', templateId: 'TPL_PROMO', params: ['a', 'b'] })).body).toMatchObject({ code: 409, error: 'RECIPIENT_OPTED_OUT' });
      await consent('13900000003', 'blacklisted');
      expect((await send({ phoneNumber: '13900000003', templateId: 'TPL_THANKS', params: ['a'] })).body.error).toBe('RECIPIENT_BLACKLISTED');
      expect(fake.requests).toHaveLength(0);
      const decisions = await t.app.orm.em.fork().getConnection().execute<{ reason: string }[]>(`select reason from compliance_decisions where phone in ('+8613900000001', '+8613900000002', '+8613900000003') order by id`);
      expect(decisions.map((d) => d.reason)).toEqual(['NO_CONSENT', 'OPTED_OUT', 'BLACKLISTED']);
    });

    it('names the field for a number that is not a mainland mobile, and checks template parameters and content', async () => {
      const bad = await send({ phoneNumber: '12345', templateId: 'TPL_THANKS', params: ['a'] });
      expect(bad.status).toBe(422);
      expect(bad.body.details.fields[0].field).toBe('phoneNumber');
      expect((await send({ phoneNumber: '13800001112', templateId: 'TPL_THANKS', params: [] })).body.error).toBe('TEMPLATE_PARAMS_MISMATCH');
      expect((await send({ phoneNumber: '13800001112', templateId: 'TPL_THANKS', params: ['a'], message: '随便写的内容' })).body.error).toBe('CONTENT_NOT_TEMPLATE');
      expect((await send({ phoneNumber: '13800001112', templateId: 'NOPE', params: [] })).status).toBe(404);
      expect(fake.requests).toHaveLength(0);
    });

    it('caps marketing SMS at two a week per number and the same content at once per 30 s', async () => {
      await consent('13900000010', 'granted');
      expect((await send({ phoneNumber: '13900000010', templateId: 'TPL_PROMO', params: ['王', '8折'] })).body.data.status).toBe('sent');
      expect((await send({ phoneNumber: '13900000010', templateId: 'TPL_PROMO', params: ['王', '8折'] })).body.error).toBe('FREQUENCY_CAP_EXCEEDED');
      expect((await send({ phoneNumber: '13900000010', templateId: 'TPL_PROMO', params: ['王', '9折'] })).body.data.status).toBe('sent');
      expect((await send({ phoneNumber: '13900000010', templateId: 'TPL_PROMO', params: ['王', '7折'] })).body.error).toBe('FREQUENCY_CAP_EXCEEDED');
      expect(fake.requests).toHaveLength(2);
    });

    it('never sends again a message whose answer was lost, and answers 404 for an unknown customer', async () => {
      fake.program({ action: 'SendSms', drop: true });
      const lost = await send({ phoneNumber: '13800006666', templateId: 'TPL_THANKS', params: ['吴'] });
      expect(lost.body.data.status).toBe('unknown');
      expect(fake.requests).toHaveLength(1);
      const again = await sendPendingSms(t.app.orm.em.fork(), deps(), { messageId: lost.body.data.messageId, params: ['吴'] });
      expect(again).toBeNull();
      expect(fake.requests).toHaveLength(1);
      expect((await send({ phoneNumber: '13800006667', templateId: 'TPL_THANKS', params: ['吴'], customerId: 'NOPE' })).body).toMatchObject({ code: 404, error: 'CUSTOMER_NOT_FOUND' });
    });

    it('answers a race on a unique key with 409, never 500', async () => {
      const body = { code: 'TPL_RACE', name: 'x', category: 'reminder', content: '您好', paramNames: [] };
      const results = await Promise.all(Array.from({ length: 4 }, () => t.call('POST', '/api/ai-ops/outreach/templates', { token: manager.token, json: body })));
      const statuses = results.map((r) => r.status).sort();
      expect(statuses[0]).toBe(201);
      expect(statuses.slice(1)).toEqual([409, 409, 409]);
    });

    it('records a carrier blacklist answer as an opt-out', async () => {
      await consent('13900000020', 'granted');
      fake.setPhone('+8613900000020', { code: 'FailedOperation.PhoneNumberInBlacklist' });
      const res = await send({ phoneNumber: '13900000020', templateId: 'TPL_PROMO', params: ['赵', '8折'] });
      expect(res.body.data.status).toBe('failed');
      const next = await send({ phoneNumber: '13900000020', templateId: 'TPL_PROMO', params: ['赵', '9折'] });
      expect(next.body.error).toBe('RECIPIENT_OPTED_OUT');
    });
  });

  describe('callbacks', () => {
    it('moves a send to delivered from a receipt, idempotently, and refuses a wrong token', async () => {
      const sent = await send({ phoneNumber: '13800005555', templateId: 'TPL_THANKS', params: ['周'] });
      const sid = sent.body.data.serialNo as string;
      const receipt = [{ user_receive_time: '2026-11-22 10:00:00', nationcode: '86', mobile: '13800005555', report_status: 'SUCCESS', errmsg: 'DELIVRD', description: '用户短信送达成功', sid }];
      for (let i = 0; i < 2; i += 1) {
        const res = await t.call('POST', `/callbacks/tencent/sms/${CALLBACK}/receipt`, { json: receipt });
        expect(res.body).toEqual({ result: 0, errmsg: 'OK' });
      }
      const rows = await t.app.orm.em.fork().getConnection().execute<{ status: string }[]>(`select status from sms_logs where serial_no = '${sid}'`);
      expect(rows).toEqual([{ status: 'delivered' }]);
      expect((await t.call('POST', '/callbacks/tencent/sms/wrong-token-000000000000/receipt', { json: receipt })).status).toBe(403);
      expect((await t.call('POST', `/callbacks/tencent/sms/${CALLBACK}/receipt`, { json: [{ sid: 1 }] })).status).toBe(422);
      const impossible = [{ ...receipt[0], user_receive_time: '2026-13-45 99:99:99' }];
      expect((await t.call('POST', `/callbacks/tencent/sms/${CALLBACK}/receipt`, { json: impossible })).body).toEqual({ result: 0, errmsg: 'OK' });
    });

    it('opts a customer out when they reply R or 退订, within the request', async () => {
      await consent('13900000030', 'granted');
      const res = await t.call('POST', `/callbacks/tencent/sms/${CALLBACK}/reply`, { json: { mobile: '13900000030', nationcode: '86', text: '退订', sign: '测试KTV', time: 1795310000 } });
      expect(res.body).toEqual({ result: 0, errmsg: 'OK' });
      expect((await send({ phoneNumber: '13900000030', templateId: 'TPL_PROMO', params: ['a', 'b'] })).body.error).toBe('RECIPIENT_OPTED_OUT');
    });
  });

  describe('batch', () => {
    it('sends in chunks of at most 200, reports bad numbers and skips, and shows progress', async () => {
      const phones = Array.from({ length: 450 }, (_, i) => `1370000${String(i).padStart(4, '0')}`);
      await consent(phones, 'granted');
      await consent(phones[7]!, 'opted_out');
      const res = await t.call('POST', '/api/ai-ops/outreach/sms/batch', {
        token: manager.token,
        json: { templateId: 'TPL_PROMO', params: ['会员', '周末8折'], phoneNumbers: [...phones, phones[0], '12345', 'abc'] },
      });
      expect(res.status).toBe(201);
      expect(res.body.data).toMatchObject({ total: 450, rejected: [{ phoneNumber: '12345', reason: 'INVALID_NUMBER' }, { phoneNumber: 'abc', reason: 'INVALID_NUMBER' }] });
      const id = res.body.data.batchId;
      const report = await waitFor(async () => {
        const r = await t.call('GET', `/api/ai-ops/outreach/sms/batch/${id}`, { token: manager.token });
        return r.body.data.status === 'completed' && r.body.data;
      }, 'the batch to complete');
      expect(report).toMatchObject({ total: 450, sent: 449, skipped: 1, skippedByReason: { OPTED_OUT: 1 }, progress: 100, pending: 0 });
      // the opted-out number was skipped inside the first chunk of 200
      expect(fake.requests.map((r) => r.phones.length)).toEqual([199, 200, 50]);
      const sentPhones = fake.sentPhones();
      expect(new Set(sentPhones).size).toBe(sentPhones.length);
      expect(sentPhones).not.toContain('+8613700000007');
    });

    it('selects the audience by customer filter and refuses an empty audience', async () => {
      const res = await t.call('POST', '/api/ai-ops/outreach/sms/batch', { token: manager.token, json: { templateId: 'TPL_THANKS', params: ['x'], filter: { segment: 'VIP', lastVisitDays: 30 } } });
      expect(res.body).toMatchObject({ code: 400, error: 'BATCH_AUDIENCE_EMPTY' });
      expect((await t.call('POST', '/api/ai-ops/outreach/sms/batch', { token: sales.token, json: {} })).status).toBe(403);
      expect((await t.call('GET', '/api/ai-ops/outreach/sms/batch/999999', { token: manager.token })).status).toBe(404);
    });
  });
});

describe('marketing in quiet hours', () => {
  const fake = new FakeTencentCloud({ smsSdkAppId: '1400000001' });
  const window = closedWindow();
  let t: TestApp;

  beforeAll(async () => {
    await fake.start();
    t = await bootApp('sqlite', {
      TENCENTCLOUD_SECRET_ID: fake.secretId,
      TENCENTCLOUD_SECRET_KEY: fake.secretKey,
      TENCENT_SMS_SDK_APP_ID: '1400000001',
      TENCENT_SMS_SIGN_NAME: '测试KTV',
      TENCENT_API_ENDPOINT: fake.endpoint,
      MARKETING_HOURS: window,
    });
  });
  afterAll(async () => {
    await t?.close();
    await fake.stop();
  });

  it('answers 202 with deferredUntil, sends nothing now, and queues the send for the window', async () => {
    const manager = await t.staffWithToken('manager');
    await t.call('POST', '/api/ai-ops/outreach/templates', { token: manager.token, json: { code: 'P', name: 'p', category: 'marketing', vendorTemplateId: '9', content: '特惠{1}', paramNames: ['x'] } });
    const em = t.app.orm.em.fork();
    recordConsent(em, { phone: '13900000099', channel: 'sms', state: 'granted', source: 'test' });
    await em.flush();
    const res = await t.call('POST', '/api/ai-ops/outreach/sms', { token: manager.token, json: { phoneNumber: '13900000099', templateId: 'P', params: ['8折'] } });
    expect(res.status).toBe(202);
    const until = new Date(res.body.data.deferredUntil);
    expect(until.getTime()).toBeGreaterThan(Date.now());
    expect(localParts(until, 'Asia/Shanghai').hhmm).toBe(window.slice(0, 5));
    expect(fake.requests).toHaveLength(0);
    const jobs = await t.call('GET', '/api/jobs?name=sms.send-pending', { token: manager.token });
    expect(jobs.body.data.records[0]).toMatchObject({ state: 'scheduled', nextRunAt: until.toISOString() });
  });
});
