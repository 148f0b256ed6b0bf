import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bootApp, type TestApp } from '../support/app.js';
import { DIALECTS } from '../support/database.js';
import { FakeTencentCloud } from '../support/fake-tencent-cloud.js';
import { recordConsent } from '../../src/domain/compliance/consent-ledger.service.js';
import { CustomerSchema } from '../../src/domain/customers/customer.entity.js';
import { CustomerContactSchema } from '../../src/domain/customers/customer-contact.entity.js';
import { EventSchema } from '../../src/domain/events/event.entity.js';
import type { ContactChannel, CustomerSegment } from '../../src/domain/shared/vocabulary.js';
import { beijingMorningClock } from '../support/beijing-morning-clock.js';
import { closedWindow } from '../support/closed-window.js';
import { capturingLogger } from './outreach-fixtures.js';
import { waitFor } from '../support/wait-for.js';

describe.each(DIALECTS)('invitations and outreach calls on %s', (dialect) => {
  const fake = new FakeTencentCloud({ smsSdkAppId: '1400000001', voiceSdkAppId: '1400000002' });
  const captured = capturingLogger();
  const notes = (staffId: number) => captured.lines().filter((l) => l.staffId === staffId && l.notification).map((l) => l.notification);
  let t: TestApp;
  let sales: { id: number; token: string };
  let manager: { id: number; token: string };
  let manager2: { id: number; token: string };

  const customer = async (id: string, segment: CustomerSegment, mobile: string, consentChannel?: ContactChannel) => {
    const em = t.app.orm.em.fork();
    const c = em.create(CustomerSchema, {
      id, name: `客户${id.slice(-1)}`, level: segment === 'VIP' ? 'vip' : 'normal', segment, tags: [],
      companyName: `${id}有限公司`, phone: `+86${mobile}`, phoneLast8: mobile.slice(-8), annualRevenueFen: 123_456_700, notes: '老板喜欢安静的包间', birthday: '1980-05-06',
    });
    em.create(CustomerContactSchema, { customer: c, name: '联系人', mobile: `+86${mobile}`, mobileLast8: mobile.slice(-8), isPrimary: true });
    if (consentChannel) recordConsent(em, { phone: mobile, channel: consentChannel, state: 'granted', source: 'test', customerId: id });
    await em.flush();
  };
  const invite = (customerId: string, token = sales.token, eventId = 'EVENT_T1') => t.call('POST', '/api/ai-ops/outreach/invitation', { token, json: { customerId, eventId } });
  const statusOf = async (id: string) =>
    (await t.app.orm.em.fork().getConnection().execute<{ status: string }[]>('select status from invitations where id = ?', [id]))[0]?.status;

  beforeAll(async () => {
    await fake.start();
    t = await bootApp(dialect, {
      TENCENTCLOUD_SECRET_ID: fake.secretId,
      TENCENTCLOUD_SECRET_KEY: fake.secretKey,
      TENCENT_API_ENDPOINT: fake.endpoint,
      TENCENT_SMS_SDK_APP_ID: '1400000001',
      TENCENT_SMS_SIGN_NAME: '测试KTV',
      TENCENT_VMS_SDK_APP_ID: '1400000002',
      TENCENT_VMS_TEMPLATE_ID: '200001',
      MARKETING_HOURS: '00:00-24:00',
      // Calls wait for the carrier's 08:00–21:00 Beijing whatever MARKETING_HOURS says: the app's clock is
      // inside it at any hour the suite runs.
    }, { logger: captured.logger, clock: beijingMorningClock() });
    sales = await t.staffWithToken('sales');
    manager = await t.staffWithToken('manager');
    manager2 = await t.staffWithToken('manager');
    await t.call('POST', '/api/ai-ops/outreach/templates', {
      token: manager.token,
      json: { code: 'TPL_INVITE', name: '邀约', category: 'marketing', vendorTemplateId: '100009', content: '{1}您好，诚邀您参加{3}的「{2}」，凭此邀约享{4}。', paramNames: ['name', 'event', 'time', 'incentive'] },
    });
    const em = t.app.orm.em.fork();
    em.create(EventSchema, { id: 'EVENT_T1', name: '周末狂欢夜', eventDate: new Date(Date.now() + 7 * 86_400_000) });
    em.create(EventSchema, { id: 'EVENT_OLD', name: '上周活动', eventDate: new Date(Date.now() - 86_400_000) });
    await em.flush();
    await customer('CUST_V1', 'VIP', '13900001001', 'call');
    await customer('CUST_L1', 'loyal', '13900001002', 'wechat');
    await customer('CUST_R1', 'regular', '13900001003', 'sms');
    await customer('CUST_R2', 'regular', '13900001004');
  });
  afterAll(async () => {
    await t?.close();
    await fake.stop();
  });

  it('generates content, incentive and channel by segment and waits for approval', async () => {
    const vip = await invite('CUST_V1');
    expect(vip.status).toBe(201);
    expect(vip.body.data).toMatchObject({ status: 'pending_approval', channel: 'call', incentive: '8折优惠 + 精美礼品', eventName: '周末狂欢夜' });
    expect(vip.body.data.content).toContain('尊敬的VIP会员');
    // The answer is the invitation, not the customer row behind it (no phone, revenue, notes, birthday).
    expect(Object.keys(vip.body.data).sort()).toEqual(['approvedBy', 'channel', 'content', 'createdAt', 'createdBy', 'customerId', 'eventDate', 'eventId', 'eventName', 'failedAt', 'failureReason', 'id', 'incentive', 'sentAt', 'status']);
    expect(vip.body.data).toMatchObject({ customerId: 'CUST_V1', eventId: 'EVENT_T1', createdBy: sales.id });
    expect(JSON.stringify(vip.body)).not.toMatch(/13900001001|123456700|老板喜欢|1980-05-06/);
    expect((await invite('CUST_L1')).body.data).toMatchObject({ channel: 'wechat', incentive: '9折优惠' });
    expect((await invite('CUST_R1')).body.data).toMatchObject({ channel: 'sms', incentive: '活动专享特别优惠' });
    expect(fake.requests).toHaveLength(0);
  });

  it('refuses unknown customers and events, past events and a second open invitation', async () => {
    expect((await invite('NOPE')).body).toMatchObject({ code: 404, error: 'CUSTOMER_NOT_FOUND' });
    expect((await invite('CUST_R2', sales.token, 'NOPE')).body.error).toBe('EVENT_NOT_FOUND');
    expect((await invite('CUST_R2', sales.token, 'EVENT_OLD')).status).toBe(409);
    expect((await invite('CUST_V1')).body).toMatchObject({ code: 409, error: 'INVITATION_EXISTS' });
    expect((await t.call('POST', '/api/ai-ops/outreach/invitation', { token: sales.token, json: { customerId: '' } })).status).toBe(422);
  });

  it('sends each approved invitation through its channel and only once', async () => {
    const pending = await t.app.orm.em.fork().getConnection().execute<{ id: string; customer_id: string }[]>(`select id, customer_id from invitations where status = 'pending_approval' order by customer_id`);
    expect((await t.call('POST', `/api/ai-ops/outreach/invitations/${pending[0]!.id}/approve`, { token: sales.token })).status).toBe(403);
    for (const inv of pending) {
      const res = await t.call('POST', `/api/ai-ops/outreach/invitations/${inv.id}/approve`, { token: manager.token });
      expect(res.body.data).toEqual({ invitationId: inv.id, status: 'approved' });
    }
    for (const inv of pending) await waitFor(async () => (await statusOf(inv.id)) === 'sent');
    const actions = fake.requests.map((r) => [r.action, r.phones[0]]);
    expect(actions).toContainEqual(['SendSms', '+8613900001003']);
    // A VIP is invited by a person: no automated call, a call todo with the script for the owner
    // (this customer has none, so the approver) and a card telling them.
    expect(actions.filter(([a]) => a === 'SendTtsVoice')).toEqual([]);
    expect(fake.requests).toHaveLength(1);
    const vip = pending.find((p) => p.customer_id === 'CUST_V1')!;
    const todos = await t.app.orm.em.fork().getConnection().execute<{ id: number; assigned_to: number; notes: string; source: string }[]>(
      'select id, assigned_to, notes, source from follow_up_tasks where related_record_id = ?',
      [`invitation:${vip.id}`],
    );
    expect(todos).toHaveLength(1);
    expect(todos[0]).toMatchObject({ assigned_to: manager.id, source: 'invitation' });
    expect(todos[0]!.notes).toContain('尊敬的VIP会员');
    // Notifications leave through the outbox (a job), a moment after the answer.
    const card = await waitFor(async () => notes(manager.id).find((n) => n.kind === 'todo' && n.todoId === todos[0]!.id));
    expect(card.title).toContain('电话邀约');
    expect(JSON.stringify(card.lines)).toContain('139****1001');
    // The submitter heard each approval.
    await waitFor(async () => notes(sales.id).filter((n) => n.kind === 'text' && n.title === '邀约已批准').length >= pending.length);
    expect(notes(sales.id).filter((n) => n.kind === 'text' && n.title === '邀约已批准')).toHaveLength(pending.length);
    const sms = fake.requests.find((r) => r.action === 'SendSms')!;
    expect(sms.templateId).toBe('100009');
    expect(sms.params!.slice(0, 2)).toEqual(['客户1', '周末狂欢夜']);
    const again = await t.call('POST', `/api/ai-ops/outreach/invitations/${pending[0]!.id}/approve`, { token: manager2.token });
    expect(again.body).toMatchObject({ code: 409, error: 'APPROVAL_ALREADY_DECIDED', details: { decidedBy: { staffId: manager.id } } });
  });

  it('lets no manager approve their own submission, and needs a reason to reject', async () => {
    const own = (await invite('CUST_R2', manager.token)).body.data;
    const self = await t.call('POST', `/api/ai-ops/outreach/invitations/${own.id}/approve`, { token: manager.token });
    expect(self.body).toMatchObject({ code: 403, error: 'APPROVAL_SELF_FORBIDDEN' });
    expect((await t.call('POST', `/api/ai-ops/outreach/invitations/${own.id}/reject`, { token: manager2.token, json: {} })).status).toBe(422);
    const rejected = await t.call('POST', `/api/ai-ops/outreach/invitations/${own.id}/reject`, { token: manager2.token, json: { reason: '该客户本月已邀约' } });
    expect(rejected.body.data.status).toBe('rejected');
    expect(await statusOf(own.id)).toBe('rejected');
    expect((await waitFor(async () => notes(manager.id).find((n) => n.kind === 'text' && n.title === '邀约被驳回')))?.text).toContain('该客户本月已邀约');
    const audit = await t.call('GET', '/api/audit-log?action=approval.reject', { token: manager.token });
    expect(audit.body.data.records[0]).toMatchObject({ actorStaffId: manager2.id, targetType: 'invitation', targetId: own.id, channel: 'api' });
  });

  it('a send that fails is `failed` with its reason, listed, counted, and told to submitter and approver; consent recorded, it goes out', async () => {
    const em = t.app.orm.em.fork();
    em.create(EventSchema, { id: 'EVENT_T2', name: '新品发布', eventDate: new Date(Date.now() + 5 * 86_400_000) });
    await em.flush();
    // CUST_R2 has no SMS consent.
    const inv = (await invite('CUST_R2', sales.token, 'EVENT_T2')).body.data;
    await t.call('POST', `/api/ai-ops/outreach/invitations/${inv.id}/approve`, { token: manager.token });
    await waitFor(async () => (await statusOf(inv.id)) === 'failed');
    const one = await t.call('GET', `/api/ai-ops/outreach/invitations/${inv.id}`, { token: sales.token });
    expect(one.body.data).toMatchObject({ id: inv.id, status: 'failed', failureReason: 'NO_CONSENT', approvedBy: manager.id, sentAt: null });
    const failed = await t.call('GET', '/api/ai-ops/outreach/invitations?status=failed', { token: manager.token });
    expect(failed.body.data).toMatchObject({ total: 1, size: 10, current: 1 });
    expect(failed.body.data.records[0]).toMatchObject({ id: inv.id, failureReason: 'NO_CONSENT' });
    const perf = await t.call('GET', '/api/ai-ops/outreach/invitations/performance?eventId=EVENT_T2', { token: manager.token });
    expect(perf.body.data).toMatchObject({ total: 1, failed: 1, sent: 0 });
    for (const who of [sales.id, manager.id]) {
      const told = await waitFor(async () => notes(who).find((n) => n.kind === 'text' && n.title === '邀约发送失败'));
      expect(told?.text).toContain(inv.id);
      expect(told?.text).toContain('营销授权');
    }
    expect((await t.call('GET', '/api/ai-ops/outreach/invitations/NOPE', { token: manager.token })).body.error).toBe('INVITATION_NOT_FOUND');

    // The cause fixed (consent recorded), a new invitation for the same event goes out.
    recordConsent(em, { phone: '13900001004', channel: 'sms', state: 'granted', source: 'test', customerId: 'CUST_R2' });
    await em.flush();
    const again = await invite('CUST_R2', sales.token, 'EVENT_T2');
    expect(again.status).toBe(201);
    await t.call('POST', `/api/ai-ops/outreach/invitations/${again.body.data.id}/approve`, { token: manager.token });
    await waitFor(async () => (await statusOf(again.body.data.id)) === 'sent');
    expect(fake.requests.at(-1)).toMatchObject({ action: 'SendSms', phones: ['+8613900001004'] });
    // Both were created within a second or two; MariaDB's DATETIME keeps whole seconds, so compare as a set.
    const list = await t.call('GET', '/api/ai-ops/outreach/invitations?eventId=EVENT_T2', { token: manager.token });
    expect(list.body.data.records.map((r: { status: string }) => r.status).sort()).toEqual(['failed', 'sent']);
  });

  it('reports an event’s invitation performance', async () => {
    const perf = await t.call('GET', '/api/ai-ops/outreach/invitations/performance?eventId=EVENT_T1', { token: manager.token });
    expect(perf.body.data).toMatchObject({ eventId: 'EVENT_T1', total: 4, sent: 3, rejected: 1, failed: 0, byChannel: { call: 1, wechat: 1, sms: 2 } });
    expect((await t.call('GET', '/api/ai-ops/outreach/invitations/performance?eventId=NOPE', { token: manager.token })).status).toBe(404);
  });

  it('places an outreach call only with consent and at most once a month', async () => {
    const call = (phoneNumber: string) => t.call('POST', '/api/ai-ops/outreach/call', { token: sales.token, json: { phoneNumber, scriptId: 'SCRIPT_001', scriptContent: '您好，我是XX KTV的客服，感谢您上周的光临。' } });
    expect((await call('13900001004')).body).toMatchObject({ code: 409, error: 'RECIPIENT_NO_CONSENT' });
    const em = t.app.orm.em.fork();
    recordConsent(em, { phone: '13900001004', channel: 'call', state: 'granted', source: 'test' });
    await em.flush();
    const placed = await call('13900001004');
    expect(placed.status).toBe(200);
    expect(placed.body.data.status).toBe('initiated');
    expect(fake.requests.at(-1)).toMatchObject({ action: 'SendTtsVoice', phones: ['+8613900001004'] });
    expect((await call('13900001004')).body.error).toBe('FREQUENCY_CAP_EXCEEDED');
    expect((await call('12345')).status).toBe(422);
  });

  it('places a service call (a visit’s follow-up) without marketing consent; blacklist and do-not-call still hold', async () => {
    const service = (phoneNumber: string, extra: Record<string, unknown>) =>
      t.call('POST', '/api/ai-ops/outreach/call', { token: sales.token, json: { phoneNumber, scriptContent: '您好，回访一下您上次的消费体验。', ...extra } });
    // No consent recorded for these numbers at all.
    expect((await service('13900001101', {})).body.error).toBe('RECIPIENT_NO_CONSENT');
    const byReason = await service('13900001101', { reason: 'post_visit' });
    expect(byReason.status).toBe(200);
    expect(byReason.body.data.status).toBe('initiated');
    expect(fake.requests.at(-1)).toMatchObject({ action: 'SendTtsVoice', phones: ['+8613900001101'] });
    // One follow-up call a month.
    expect((await service('13900001101', { purpose: 'service' })).body.error).toBe('FREQUENCY_CAP_EXCEEDED');
    expect((await service('13900001102', { purpose: 'service' })).status).toBe(200);
    const em = t.app.orm.em.fork();
    recordConsent(em, { phone: '13900001103', channel: 'call', state: 'opted_out', source: 'test', reason: '客户要求不要来电' });
    recordConsent(em, { phone: '13900001104', channel: 'call', state: 'blacklisted', source: 'test' });
    await em.flush();
    expect((await service('13900001103', { reason: 'complaint' })).body.error).toBe('RECIPIENT_OPTED_OUT');
    expect((await service('13900001104', { reason: 'complaint' })).body.error).toBe('RECIPIENT_BLACKLISTED');
    // A reason and a purpose that disagree are a validation error.
    const clash = await service('13900001105', { reason: 'event_invitation', purpose: 'service' });
    expect(clash.status).toBe(422);
    expect(clash.body.details.fields[0].field).toBe('purpose');
  });
});

describe('an invitation approved outside the marketing window', () => {
  const fake = new FakeTencentCloud({ voiceSdkAppId: '1400000002' });
  const captured = capturingLogger();
  let t: TestApp;

  beforeAll(async () => {
    await fake.start();
    t = await bootApp(
      'sqlite',
      {
        TENCENTCLOUD_SECRET_ID: fake.secretId,
        TENCENTCLOUD_SECRET_KEY: fake.secretKey,
        TENCENT_API_ENDPOINT: fake.endpoint,
        TENCENT_VMS_SDK_APP_ID: '1400000002',
        TENCENT_VMS_TEMPLATE_ID: '200001',
        MARKETING_HOURS: closedWindow(),
      },
      { logger: captured.logger },
    );
  });
  afterAll(async () => {
    await t?.close();
    await fake.stop();
  });

  it('notifies the approvers on submission, then waits for the window with exactly one queued send', async () => {
    const sales = await t.staffWithToken('sales');
    const manager = await t.staffWithToken('manager');
    const em = t.app.orm.em.fork();
    const c = em.create(CustomerSchema, { id: 'CUST_VQ', name: '钱总', level: 'vip', segment: 'VIP', tags: [] });
    em.create(CustomerContactSchema, { customer: c, name: '钱总', mobile: '+8613900002001', mobileLast8: '00002001', isPrimary: true });
    em.create(EventSchema, { id: 'EVENT_Q', name: '品鉴会', eventDate: new Date(Date.now() + 3 * 86_400_000) });
    recordConsent(em, { phone: '13900002001', channel: 'call', state: 'granted', source: 'test' });
    await em.flush();

    const inv = (await t.call('POST', '/api/ai-ops/outreach/invitation', { token: sales.token, json: { customerId: 'CUST_VQ', eventId: 'EVENT_Q' } })).body.data;
    await waitFor(async () => captured.lines().some((l) => l.notification?.kind === 'approval' && l.notification.subjectId === inv.id));
    const cards = captured.lines().filter((l) => l.notification?.kind === 'approval' && l.notification.subjectId === inv.id);
    expect(cards.map((l) => l.staffId)).toEqual([manager.id]);

    await t.call('POST', `/api/ai-ops/outreach/invitations/${inv.id}/approve`, { token: manager.token });
    const jobs = async (name: string) => (await t.call('GET', `/api/jobs?name=${name}&size=50`, { token: manager.token })).body.data.records as Array<{ state: string; nextRunAt: string }>;
    await waitFor(async () => (await jobs('invitation.send')).some((j) => j.state === 'scheduled'), 'the send scheduled for the window');
    // Whatever the approval set off has run: no job is due or running any more (notifications included).
    const all = async () => (await t.call('GET', '/api/jobs?size=100', { token: manager.token })).body.data.records as Array<{ state: string }>;
    await waitFor(async () => (await all()).every((j) => j.state !== 'queued' && j.state !== 'running'), 'the jobs the approval set off to finish');
    const sends = await jobs('invitation.send');
    expect(sends.filter((j) => j.state === 'scheduled')).toHaveLength(1);
    expect(await jobs('outreach.call')).toHaveLength(0);
    expect(fake.requests).toHaveLength(0);
    const status = await t.app.orm.em.fork().getConnection().execute<{ status: string }[]>('select status from invitations where id = ?', [inv.id]);
    expect(status[0]!.status).toBe('approved');
  });
});
