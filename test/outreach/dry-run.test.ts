import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bootApp, type TestApp } from '../support/app.js';
import { beijingMorningClock } from '../support/beijing-morning-clock.js';
import { DIALECTS } from '../support/database.js';
import { FakeTencentCloud } from '../support/fake-tencent-cloud.js';
import { capturingLogger, tencentOutreachDeps } from './outreach-fixtures.js';
import { recordConsent } from '../../src/domain/compliance/consent-ledger.service.js';
import { CustomerSchema } from '../../src/domain/customers/customer.entity.js';
import { sendSms } from '../../src/domain/outreach/sms-send.service.js';
import type { ContactChannel } from '../../src/domain/shared/vocabulary.js';

const PROMO = { code: 'TPL_PROMO', name: '周末活动', category: 'marketing', vendorTemplateId: '100002', content: '{1}本周末特惠：{2}', paramNames: ['name', 'offer'] };

async function setUp(t: TestApp) {
  const manager = await t.staffWithToken('manager');
  expect((await t.call('POST', '/api/ai-ops/outreach/templates', { token: manager.token, json: PROMO })).status).toBe(201);
  return manager;
}

async function consent(t: TestApp, phone: string, channel: ContactChannel) {
  const em = t.app.orm.em.fork();
  recordConsent(em, { phone, channel, state: 'granted', source: 'test' });
  await em.flush();
}

describe.each(DIALECTS)('outreach without a carrier outside production is a dry run, marked everywhere (%s)', (dialect) => {
  const captured = capturingLogger();
  const fake = new FakeTencentCloud({ smsSdkAppId: '1400000001' });
  let t: TestApp;
  let manager: { id: number; token: string };
  const sql = (query: string, params: unknown[] = []) => t.app.orm.em.fork().getConnection().execute<Record<string, unknown>[]>(query, params);
  const sms = (phoneNumber: string, offer: string, extra: Record<string, unknown> = {}) =>
    t.call('POST', '/api/ai-ops/outreach/sms', { token: manager.token, json: { phoneNumber, templateId: 'TPL_PROMO', params: ['王先生', offer], ...extra } });

  beforeAll(async () => {
    await fake.start();
    // The call must be placed now, not deferred: the app's clock is inside the carrier's 08:00–21:00 Beijing at any hour.
    t = await bootApp(dialect, { JOBS_ENABLED: 'false', MARKETING_HOURS: '00:00-24:00' }, { logger: captured.logger, clock: beijingMorningClock() });
    manager = await setUp(t);
    const em = t.app.orm.em.fork();
    em.create(CustomerSchema, { id: 'CUST_DRY', name: '王先生', phone: '+8613900009001', phoneLast8: '00009001', level: 'normal', tags: [] });
    await em.flush();
    await consent(t, '13900009001', 'sms');
    await consent(t, '13900009001', 'call');
  });
  afterAll(async () => {
    await t?.close();
    await fake.stop();
  });

  it('says so at start-up, in the SMS and call answers, sms_logs, call_logs, contact history and the log', async () => {
    expect(captured.lines().filter((l) => l.level === 'warn' && l.dryRun === true).map((l) => l.msg)).toEqual([
      expect.stringMatching(/^SMS dry run: .*never sent \(no carrier configured, NODE_ENV=test\)$/),
      expect.stringMatching(/^outreach calls dry run: .*never placed \(no carrier configured, NODE_ENV=test\)$/),
    ]);
    const sent = await sms('13900009001', '8折', { customerId: 'CUST_DRY' });
    expect(sent.body.data).toMatchObject({ status: 'sent', dryRun: true, serialNo: expect.stringMatching(/^dry-/) });
    const call = await t.call('POST', '/api/ai-ops/outreach/call', { token: manager.token, json: { phoneNumber: '13900009001', scriptContent: '您好，周末有活动。', customerId: 'CUST_DRY' } });
    expect(call.body.data).toMatchObject({ status: 'initiated', dryRun: true });
    expect(await sql('select dry_run from sms_logs where message_id = ?', [sent.body.data.messageId])).toEqual([{ dry_run: 1 }]);
    expect(await sql('select dry_run from call_logs where call_id = ?', [call.body.data.callId])).toEqual([{ dry_run: 1 }]);
    const history = await t.call('GET', '/api/ai-ops/outreach/history?customerId=CUST_DRY', { token: manager.token });
    expect(history.body.data.records.map((r: { channel: string; dryRun: boolean }) => [r.channel, r.dryRun]).sort()).toEqual([['call', true], ['sms', true]]);
    const logged = captured.lines().filter((l) => l.dryRun === true && typeof l.msg === 'string' && l.msg.startsWith('dry run:'));
    expect(logged.map((l) => l.msg)).toEqual([expect.stringContaining('SMS recorded, not sent'), expect.stringContaining('call recorded, not placed')]);
    const batch = await t.call('POST', '/api/ai-ops/outreach/sms/batch', { token: manager.token, json: { templateId: 'TPL_PROMO', params: ['会员', '9折'], phoneNumbers: ['13900009002'] } });
    expect(batch.body.data).toMatchObject({ dryRun: true });
    expect((await t.call('GET', `/api/ai-ops/outreach/sms/batch/${batch.body.data.batchId}`, { token: manager.token })).body.data.dryRun).toBe(true);
  });

  it('dry-run sends use up dry-run frequency caps only, never a real one', async () => {
    await consent(t, '13900009003', 'sms');
    expect((await sms('13900009003', '一')).body.data.dryRun).toBe(true);
    expect((await sms('13900009003', '二')).body.data.dryRun).toBe(true);
    // Two marketing SMS a week: the dry run is refused as the real send would be…
    expect((await sms('13900009003', '三')).body).toMatchObject({ code: 409, error: 'FREQUENCY_CAP_EXCEEDED' });
    // …but once a carrier is configured, the number has had no real marketing SMS yet.
    const real = tencentOutreachDeps(fake, t.app.jobQueue);
    const res = await sendSms(t.app.orm.em.fork(), real, { phoneNumber: '13900009003', templateCode: 'TPL_PROMO', params: ['王先生', '四'], staffId: manager.id });
    expect(res).toMatchObject({ status: 'sent', dryRun: false });
    expect(fake.requests.map((r) => r.phones)).toEqual([['+8613900009003']]);
  });
});

describe('OUTREACH_DRY_RUN=true with a carrier configured', () => {
  const fake = new FakeTencentCloud({ smsSdkAppId: '1400000001' });
  let t: TestApp;

  beforeAll(async () => {
    await fake.start();
    t = await bootApp('sqlite', {
      JOBS_ENABLED: 'false',
      MARKETING_HOURS: '00:00-24:00',
      OUTREACH_DRY_RUN: 'true',
      TENCENTCLOUD_SECRET_ID: fake.secretId,
      TENCENTCLOUD_SECRET_KEY: fake.secretKey,
      TENCENT_SMS_SDK_APP_ID: '1400000001',
      TENCENT_SMS_SIGN_NAME: '测试KTV',
      TENCENT_API_ENDPOINT: fake.endpoint,
    });
  });
  afterAll(async () => {
    await t?.close();
    await fake.stop();
  });

  it('sends nothing to the carrier and answers dryRun: true', async () => {
    const manager = await setUp(t);
    await consent(t, '13900009101', 'sms');
    const res = await t.call('POST', '/api/ai-ops/outreach/sms', { token: manager.token, json: { phoneNumber: '13900009101', templateId: 'TPL_PROMO', params: ['李女士', '8折'] } });
    expect(res.body.data).toMatchObject({ status: 'sent', dryRun: true });
    expect(fake.requests).toEqual([]);
  });
});
