import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bootApp, type TestApp } from '../support/app.js';
import { DIALECTS } from '../support/database.js';
import { FakeTencentCloud } from '../support/fake-tencent-cloud.js';
import { addCustomer, smsSettings } from './outreach-fixtures.js';

const CALLBACK = 'cb-token-history-0123456789';

/** Contact history shows what happened to an SMS — sent, delivered or failed — never `sending` for ever. */
describe.each(DIALECTS)('contact history follows the SMS outcome on %s', (dialect) => {
  const fake = new FakeTencentCloud({ smsSdkAppId: '1400000001' });
  let t: TestApp;
  let sales: { id: number; token: string };

  beforeAll(async () => {
    await fake.start();
    t = await bootApp(dialect, {
      ...smsSettings(fake, CALLBACK),
    });
    const manager = await t.staffWithToken('manager');
    sales = await t.staffWithToken('sales');
    const tpl = await t.call('POST', '/api/ai-ops/outreach/templates', {
      token: manager.token,
      json: { code: 'TPL_HIST', name: '到店感谢', category: 'notification', vendorTemplateId: '100001', content: '{1}您好，感谢您的光临！', paramNames: ['name'] },
    });
    expect(tpl.status).toBe(201);
  });
  afterAll(async () => {
    await t?.close();
    await fake.stop();
  });

  const historyStatus = async (customerId: string) => {
    const res = await t.call('GET', `/api/ai-ops/outreach/history?customerId=${customerId}`, { token: sales.token });
    expect(res.status).toBe(200);
    return res.body.data.records.map((r: { status: string }) => r.status);
  };
  const receipt = (mobile: string, sid: string, ok: boolean) =>
    t.call('POST', `/callbacks/tencent/sms/${CALLBACK}/receipt`, {
      json: [{ user_receive_time: '2026-11-22 10:00:00', nationcode: '86', mobile, report_status: ok ? 'SUCCESS' : 'FAIL', errmsg: ok ? 'DELIVRD' : 'UNDELIV', description: ok ? '用户短信送达成功' : '用户关机', sid }],
    });

  it('says sent once the carrier took it, then delivered from the receipt', async () => {
    const customer = await addCustomer(t.app.orm.em.fork());
    const mobile = customer.phone!.slice(3);
    const sent = await t.call('POST', '/api/ai-ops/outreach/sms', { token: sales.token, json: { phoneNumber: mobile, customerId: customer.id, templateId: 'TPL_HIST', params: ['周'] } });
    expect(sent.body.data.status).toBe('sent');
    expect(await historyStatus(customer.id)).toEqual(['sent']);
    expect((await receipt(mobile, sent.body.data.serialNo, true)).body).toEqual({ result: 0, errmsg: 'OK' });
    expect(await historyStatus(customer.id)).toEqual(['delivered']);
  });

  it('says failed when the receipt reports a failed delivery, and when the carrier refuses the send', async () => {
    const undelivered = await addCustomer(t.app.orm.em.fork());
    const mobile = undelivered.phone!.slice(3);
    const sent = await t.call('POST', '/api/ai-ops/outreach/sms', { token: sales.token, json: { phoneNumber: mobile, customerId: undelivered.id, templateId: 'TPL_HIST', params: ['钱'] } });
    expect(sent.body.data.status).toBe('sent');
    await receipt(mobile, sent.body.data.serialNo, false);
    expect(await historyStatus(undelivered.id)).toEqual(['failed']);

    const refused = await addCustomer(t.app.orm.em.fork());
    fake.setPhone(refused.phone!, { code: 'FailedOperation.PhoneNumberInBlacklist' });
    const res = await t.call('POST', '/api/ai-ops/outreach/sms', { token: sales.token, json: { phoneNumber: refused.phone!.slice(3), customerId: refused.id, templateId: 'TPL_HIST', params: ['孙'] } });
    expect(res.body.data.status).toBe('failed');
    expect(await historyStatus(refused.id)).toEqual(['failed']);
  });
});
