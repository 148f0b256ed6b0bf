import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConsentSchema } from '../../src/domain/compliance/consent.entity.js';
import { MiniappIdentitySchema } from '../../src/domain/chat/miniapp-identity.entity.js';
import { EventSchema } from '../../src/domain/events/event.entity.js';
import { MemberSchema } from '../../src/domain/members/member.entity.js';
import { UpgradeHistorySchema } from '../../src/domain/members/upgrade-history.entity.js';
import { InvitationSchema } from '../../src/domain/outreach/invitation.entity.js';
import { CustomerFeedbackSchema } from '../../src/domain/outreach/customer-feedback.entity.js';
import { FollowUpTaskSchema } from '../../src/domain/todos/follow-up-task.entity.js';
import { AuditLogSchema } from '../../src/domain/audit/audit-log.entity.js';
import { capturingLogger } from '../outreach/outreach-fixtures.js';
import { StaffStatusSchema } from '../../src/domain/sales-status/staff-status.entity.js';
import { bootApp, type TestApp } from '../support/app.js';
import { DIALECTS } from '../support/database.js';
import { waitFor } from '../support/wait-for.js';
import { startFakeWechat, type FakeWechat } from '../support/fake-wecom.js';
import { customer } from './seed.js';

describe.each(DIALECTS)('mini-program API (%s)', (dialect) => {
  let t: TestApp;
  let wechat: FakeWechat;
  let sales: { id: number; token: string };
  const captured = capturingLogger();

  beforeAll(async () => {
    wechat = await startFakeWechat();
    t = await bootApp(dialect, { MINIAPP_APPID: wechat.appId, MINIAPP_SECRET: wechat.secret, WECHAT_API_BASE: wechat.url }, { logger: captured.logger });
    sales = await t.staffWithToken('sales', { name: '张三', wecomUserId: 'zhangsan' });
    const em = t.app.orm.em.fork();
    await customer(em, 'CUST_M1', '钱七', '13700001111', sales.id);
    em.create(EventSchema, { id: 'EVENT_M1', name: '周末品鉴会', eventDate: new Date(Date.now() + 7 * 86_400_000) });
    em.create(InvitationSchema, { id: 'INV_M1', customer: 'CUST_M1', event: 'EVENT_M1', eventName: '周末品鉴会', eventDate: new Date(Date.now() + 7 * 86_400_000), content: '诚邀您参加周末品鉴会', channel: 'sms', status: 'sent', sentAt: new Date() });
    em.create(InvitationSchema, { id: 'INV_DRAFT', customer: 'CUST_M1', event: 'EVENT_M1', eventName: '周末品鉴会', eventDate: new Date(Date.now() + 7 * 86_400_000), content: '草稿', channel: 'sms', status: 'draft' });
    em.create(MemberSchema, { id: 'MEM_M1', customer: 'CUST_M1', name: '钱七', tier: 'gold', points: 1200, joinedAt: new Date('2025-01-01T00:00:00Z') });
    await em.flush();
    em.create(UpgradeHistorySchema, { member: 'MEM_M1', fromTier: 'silver', toTier: 'gold', rewards: [{ kind: 'coupon', value: '满300减50' }] });
    await em.flush();
  });
  afterAll(async () => {
    await t?.close();
    await wechat?.close();
  });

  const login = async (code: string, openid: string) => {
    wechat.codes.set(code, { openid, session_key: `secret-session-key-${openid}` });
    const res = await t.call('POST', '/api/miniapp/login', { json: { code } });
    expect(res.status).toBe(200);
    expect(JSON.stringify(res.body)).not.toContain('secret-session-key');
    return res.body.data as { token: string; boundAs: string | null; staffToken: string | null };
  };
  const codeFromBot = async (text: string) => /码：?([A-Z0-9]{8})/.exec(await t.app.chatOps.router.handleText({ channel: 'wecom', senderId: 'zhangsan' }, text))![1]!;

  it('logs in with a wx.login code and keeps session_key on the server only', async () => {
    const s = await login(`c1-${dialect}`, `o-cust-${dialect}`);
    expect(s).toMatchObject({ boundAs: null, staffToken: null });
    const row = await t.app.orm.em.fork().findOneOrFail(MiniappIdentitySchema, { openId: `o-cust-${dialect}` });
    expect(row.sessionKey).toBe(`secret-session-key-o-cust-${dialect}`);
    // A mini-program session is not a staff token, and a staff token is not a mini-program session.
    expect((await t.call('GET', '/api/me', { token: s.token })).status).toBe(401);
    expect((await t.call('GET', '/api/miniapp/session', { token: sales.token })).status).toBe(401);
    expect((await t.call('GET', '/api/miniapp/invitations', { token: s.token })).body).toMatchObject({ code: 403, error: 'MINIAPP_CUSTOMER_NOT_BOUND' });
  });

  it('refuses bad logins with clear codes', async () => {
    expect((await t.call('POST', '/api/miniapp/login', { json: { code: 'never-issued' } })).body).toMatchObject({ code: 400, error: 'WECHAT_CODE_INVALID' });
    expect((await t.call('POST', '/api/miniapp/login', { json: {} })).body).toMatchObject({ code: 422, error: 'VALIDATION_FAILED' });
    expect((await t.call('POST', '/api/miniapp/login', { body: '{bad', headers: { 'content-type': 'application/json' } })).status).toBe(400);
    expect((await t.call('GET', '/api/miniapp/invitations', { token: 'not.a.token' })).status).toBe(401);
  });

  it('a customer binds with a code their sales person got from the bot, then uses their pages', async () => {
    const s = await login(`c2-${dialect}`, `o-cust2-${dialect}`);
    expect((await t.call('POST', '/api/miniapp/bind', { token: s.token, json: { code: 'ZZZZZZZZ' } })).body).toMatchObject({ code: 400, error: 'BINDING_CODE_INVALID' });
    const code = await codeFromBot('客户码 CUST_M1');
    const bound = await t.call('POST', '/api/miniapp/bind', { token: s.token, json: { code } });
    expect(bound.body.data).toMatchObject({ boundAs: 'customer', customerId: 'CUST_M1', staffToken: null });
    expect((await t.call('POST', '/api/miniapp/bind', { token: s.token, json: { code } })).body.error).toBe('BINDING_CODE_INVALID');

    const list = await t.call('GET', '/api/miniapp/invitations', { token: s.token });
    expect(list.body.data.map((i: { id: string }) => i.id)).toEqual(['INV_M1']);
    expect((await t.call('POST', '/api/miniapp/invitations/INV_M1/answer', { token: s.token, json: { answer: 'yes please' } })).body.error).toBe('VALIDATION_FAILED');
    expect((await t.call('POST', '/api/miniapp/invitations/INV_DRAFT/answer', { token: s.token, json: { answer: 'interested' } })).body.error).toBe('INVITATION_NOT_FOUND');
    const answered = await t.call('POST', '/api/miniapp/invitations/INV_M1/answer', { token: s.token, json: { answer: 'interested' } });
    expect(answered.body.data).toMatchObject({ status: 'accepted', response: 'interested' });
    expect(await t.app.orm.em.fork().findOneOrFail(InvitationSchema, { id: 'INV_M1' })).toMatchObject({ response: 'interested', status: 'accepted' });

    const fb = await t.call('POST', '/api/miniapp/feedback', { token: s.token, json: { type: 'complaint', rating: 1, content: '上次活动排队太久' } });
    expect(fb.status).toBe(201);
    expect(await t.app.orm.em.fork().count(CustomerFeedbackSchema, { customer: 'CUST_M1', type: 'complaint', followUpRequired: true })).toBe(1);
    // The same path as a complaint staff enter: an urgent task for the owner, who is told.
    const task = await t.app.orm.em.fork().findOneOrFail(FollowUpTaskSchema, { relatedRecordId: `feedback:${fb.body.data.id}` });
    expect(task).toMatchObject({ priority: 'urgent', assignedTo: sales.id, source: 'feedback', reason: 'complaint' });
    // Staff notifications leave through the outbox, a moment after the answer.
    const told = await waitFor(() => captured.lines().find((l) => l.staffId === sales.id && l.notification?.kind === 'todo' && l.notification.todoId === task.id), 'the todo notification');
    expect(told?.notification.title).toContain('客户投诉');
    const audit = await t.app.orm.em.fork().findOneOrFail(AuditLogSchema, { action: 'feedback.record', targetId: String(fb.body.data.id) });
    expect(audit).toMatchObject({ channel: 'miniapp', actorStaffId: null });
    expect(audit.requestId).toBeTruthy();
    expect((await t.call('POST', '/api/miniapp/feedback', { token: s.token, json: { type: 'suggestion', content: '好', invitationId: 'INV_NOT_MINE' } })).body.error).toBe('INVITATION_NOT_FOUND');

    expect((await t.call('POST', '/api/miniapp/opt-out', { token: s.token, json: { channel: 'fax' } })).status).toBe(422);
    expect((await t.call('POST', '/api/miniapp/opt-out', { token: s.token, json: { channel: 'sms', reason: '太多短信' } })).body.data).toEqual({ channel: 'sms', state: 'opted_out' });
    expect(await t.app.orm.em.fork().findOne(ConsentSchema, { phone: '+8613700001111', channel: 'sms' })).toMatchObject({ state: 'opted_out', source: 'miniapp' });

    const membership = await t.call('GET', '/api/miniapp/membership', { token: s.token });
    expect(membership.body.data.memberships).toEqual([expect.objectContaining({ memberId: 'MEM_M1', tier: 'gold', points: 1200 })]);
    expect(membership.body.data.rewards).toEqual([expect.objectContaining({ kind: 'coupon', value: '满300减50', toTier: 'gold' })]);
  });

  it('a sales person binds with their own code and sets their status with the staff token', async () => {
    const s = await login(`c3-${dialect}`, `o-staff-${dialect}`);
    const code = await codeFromBot('绑定');
    const bound = await t.call('POST', '/api/miniapp/bind', { token: s.token, json: { code } });
    expect(bound.body.data).toMatchObject({ boundAs: 'staff', staffId: sales.id });
    const staffToken = bound.body.data.staffToken as string;
    expect((await t.call('PUT', '/api/miniapp/staff/status', { token: staffToken, json: { status: 'on_vacation' } })).status).toBe(422);
    expect((await t.call('PUT', '/api/miniapp/staff/status', { token: s.token, json: { status: 'in_office' } })).status).toBe(401);
    const set = await t.call('PUT', '/api/miniapp/staff/status', { token: staffToken, json: { status: 'in_office', location: '总部' } });
    expect(set.body.data).toMatchObject({ status: 'in_office', location: '总部' });
    expect(await t.app.orm.em.fork().findOne(StaffStatusSchema, { staff: sales.id })).toMatchObject({ status: 'in_office' });
    // Next login from the same WeChat user comes back as staff with a staff token.
    const again = await login(`c4-${dialect}`, `o-staff-${dialect}`);
    expect(again.boundAs).toBe('staff');
    expect((await t.call('GET', '/api/me', { token: again.staffToken! })).body.data).toMatchObject({ id: sales.id });
  });
});
