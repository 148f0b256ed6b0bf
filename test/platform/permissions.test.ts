import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bootApp, type TestApp } from '../support/app.js';
import { DIALECTS } from '../support/database.js';
import { capturingLogger } from '../outreach/outreach-fixtures.js';
import { DEFAULT_ROLE_PERMISSIONS, PERMISSIONS } from '../../src/domain/auth/permissions.js';
import { CustomerSchema } from '../../src/domain/customers/customer.entity.js';
import { CustomerContactSchema } from '../../src/domain/customers/customer-contact.entity.js';
import { EventSchema } from '../../src/domain/events/event.entity.js';
import { CallSchema } from '../../src/domain/calls/call.entity.js';
import { createTodo } from '../../src/domain/todos/todo.service.js';
import { waitFor } from '../support/wait-for.js';
import { APPROVABLE_KINDS } from '../../src/domain/approvals/approvable.js';

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? sources(path) : path.endsWith('.ts') ? [path] : [];
  });
}

describe('permissions are checked one way', () => {
  const files = sources('src').filter((f) => !f.endsWith('permissions.ts')).map((f) => ({ f, text: readFileSync(f, 'utf8') }));

  it('every granted permission is checked by a route, a command or a domain service', () => {
    const unchecked = PERMISSIONS.filter((p) => !files.some(({ text }) => text.includes(`'${p}'`)));
    expect(unchecked).toEqual([]);
  });

  it('no domain service decides by role name', () => {
    const domain = files.filter(({ f }) => f.startsWith(join('src', 'domain')) && !f.endsWith('staff.entity.ts'));
    expect(domain.filter(({ text }) => /APPROVER_ROLES|'admin'/.test(text)).map(({ f }) => f)).toEqual([]);
  });
});

describe.each(DIALECTS)('permissions read from role_permissions, not roles (%s)', (dialect) => {
  const captured = capturingLogger();
  let t: TestApp;
  let sales: { id: number; token: string };
  let manager: { id: number; token: string };
  let duty: { id: number; token: string };
  let admin: { id: number; token: string };
  const wecom = (senderId: string) => ({ channel: 'wecom' as const, senderId });
  const sql = (query: string, params: unknown[] = []) => t.app.orm.em.fork().getConnection().execute<Record<string, unknown>[]>(query, params);

  beforeAll(async () => {
    t = await bootApp(dialect, { JOBS_ENABLED: 'false' }, { logger: captured.logger });
    // Before any request of these roles (permissions are cached per role for 30 s):
    // duty may approve invitations; admins lose telephony:calls:view.
    await sql(`insert into role_permissions (role, permission, granted_at) values ('duty', 'outreach:invitation:approve', ?)`, [new Date()]);
    await sql(`delete from role_permissions where role = 'admin' and permission = 'telephony:calls:view'`);
    sales = await t.staffWithToken('sales', { wecomUserId: `s-${dialect}` });
    manager = await t.staffWithToken('manager', { wecomUserId: `m-${dialect}` });
    duty = await t.staffWithToken('duty', { wecomUserId: `d-${dialect}`, name: '值班小刘' });
    admin = await t.staffWithToken('admin', { wecomUserId: `a-${dialect}` });
    const em = t.app.orm.em.fork();
    em.create(EventSchema, { id: 'EVENT_P', name: '权限测试活动', eventDate: new Date(Date.now() + 5 * 86_400_000) });
    for (const id of ['CUST_P1', 'CUST_P2', 'CUST_P3']) {
      const c = em.create(CustomerSchema, { id, name: id, level: 'normal', segment: 'regular', tags: [] });
      em.create(CustomerContactSchema, { customer: c, name: '联系人', mobile: `+8613900008${id.slice(-1)}00`, mobileLast8: `00008${id.slice(-1)}00`, isPrimary: true });
    }
    await em.flush();
  });
  afterAll(async () => {
    await t?.close();
  });

  const invite = async (customerId: string) => {
    const res = await t.call('POST', '/api/ai-ops/outreach/invitation', { token: sales.token, json: { customerId, eventId: 'EVENT_P' } });
    expect(res.status).toBe(201);
    return res.body.data.id as string;
  };

  it('role_permissions is the default map after the migrations (plus this suite’s two changes)', async () => {
    const rows = await sql('select role, permission from role_permissions');
    const key = (r: Record<string, unknown>) => `${String(r.role)} ${String(r.permission)}`;
    const expected = Object.entries(DEFAULT_ROLE_PERMISSIONS)
      .flatMap(([role, ps]) => ps.map((permission) => `${role} ${permission}`))
      .filter((k) => k !== 'admin telephony:calls:view')
      .concat('duty outreach:invitation:approve');
    expect(rows.map(key).sort()).toEqual(expected.sort());
  });

  it('every approval kind the product names is one the running app can decide (no unimplemented kinds such as sms_batch)', async () => {
    expect([...t.app.approvals.kinds()].sort()).toEqual([...APPROVABLE_KINDS].sort());
    expect(await t.app.chatOps.router.handleText(wecom(`a-${dialect}`), '批准 sms_batch:1')).toContain('不认识的类型“sms_batch”');
  });

  it('granting outreach:invitation:approve to another role lets that role approve, by API and chat, and sends it the card', async () => {
    const id = await invite('CUST_P1');
    // Cards leave through the notification outbox (a job), a moment after the answer.
    const cardsFor = () => captured.lines().filter((l) => l.notification?.kind === 'approval' && l.notification.subjectId === id).map((l) => l.staffId);
    await waitFor(() => cardsFor().length >= 3, 'the three approval cards');
    expect(cardsFor().sort()).toEqual([manager.id, duty.id, admin.id].sort());
    const approved = await t.call('POST', `/api/ai-ops/outreach/invitations/${id}/approve`, { token: duty.token, headers: { 'x-request-id': `req-duty-approve-${dialect}` } });
    expect(approved.body.data).toEqual({ invitationId: id, status: 'approved' });
    expect(await sql(`select actor_staff_id, request_id from audit_log where action = 'approval.approve' and target_id = ?`, [id])).toEqual([{ actor_staff_id: duty.id, request_id: `req-duty-approve-${dialect}` }]);

    const second = await invite('CUST_P2');
    expect(await t.app.chatOps.router.handleText(wecom(`d-${dialect}`), `驳回 ${second} 名额已满`)).toContain(`已驳回邀约 ${second}`);
    // Sales do not hold it: refused the same way at both doors, nothing changed.
    const third = await invite('CUST_P3');
    const refused = await t.call('POST', `/api/ai-ops/outreach/invitations/${third}/approve`, { token: sales.token });
    expect(refused.body).toMatchObject({ code: 403, error: 'FORBIDDEN', details: { required: ['outreach:invitation:approve'] } });
    expect(await t.app.chatOps.router.handleText(wecom(`s-${dialect}`), `批准 ${third}`)).toContain('你没有审批的权限');
    expect(await sql('select status from invitations where id = ?', [third])).toEqual([{ status: 'pending_approval' }]);
  });

  it('call-card buttons 已处理, 指派 and 回拨 are permission-checked; taking over another’s todo needs todo:manage', async () => {
    const em = t.app.orm.em.fork();
    const uuid = `perm-${dialect}`;
    em.create(CallSchema, { uuid, direction: 'inbound', caller: '+8613812340000', callerLast8: '12340000', callee: '+864008320160', calleeLast8: '08320160', startedAt: new Date(), endedAt: new Date(), voicemail: true });
    const todo = createTodo(em, { title: '处理语音留言', assignedTo: manager.id, source: '400_phone', reason: 'voicemail', relatedRecordId: uuid, dueAt: new Date(), dueDate: '2030-01-01' });
    await em.flush();
    const click = (who: string, action: string) => t.app.chatOps.router.handleCardAction(wecom(who), `${action}:voicemail:${uuid}`);

    for (const action of ['handled', 'assign', 'callback']) {
      const res = await click(`a-${dialect}`, action);
      expect(res).toMatchObject({ ok: false, reply: expect.stringContaining('需要 telephony:calls:view') });
      expect(res.reveal).toBeUndefined();
    }
    const takeOver = await click(`s-${dialect}`, 'assign');
    expect(takeOver.reply).toContain('需要 todo:manage');
    expect(await t.app.chatOps.router.handleText(wecom(`s-${dialect}`), `完成 ${todo.id}`)).toContain('需要 todo:manage');
    expect(await sql('select assigned_to, status from follow_up_tasks where id = ?', [todo.id])).toEqual([{ assigned_to: manager.id, status: 'pending' }]);
    expect(await sql(`select id from audit_log where target_id = ? or action = 'phone.reveal'`, [uuid])).toEqual([]);

    // The duty person may not take the manager's todo; its assignee may, and 已处理 closes only the clicker's own.
    expect((await click(`d-${dialect}`, 'assign')).reply).toContain('需要 todo:manage');
    expect((await click(`m-${dialect}`, 'assign')).ok).toBe(true);
    expect((await click(`s-${dialect}`, 'handled')).ok).toBe(true);
    expect(await sql('select status from follow_up_tasks where id = ?', [todo.id])).toEqual([{ status: 'pending' }]);
    expect((await click(`m-${dialect}`, 'handled')).ok).toBe(true);
    expect(await sql('select status from follow_up_tasks where id = ?', [todo.id])).toEqual([{ status: 'completed' }]);
  });
});
