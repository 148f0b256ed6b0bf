import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AuditLogSchema } from '../../src/domain/audit/audit-log.entity.js';
import { CallSchema } from '../../src/domain/calls/call.entity.js';
import { CallTaskPhoneSchema } from '../../src/domain/call-tasks/call-task-phone.entity.js';
import { CallTaskSchema } from '../../src/domain/call-tasks/call-task.entity.js';
import { makeTaskLead } from '../../src/domain/call-tasks/task-leads.js';
import { CustomerContactSchema } from '../../src/domain/customers/customer-contact.entity.js';
import { CustomerSchema } from '../../src/domain/customers/customer.entity.js';
import { EventSchema } from '../../src/domain/events/event.entity.js';
import { NotificationOutboxSchema } from '../../src/domain/notifications/notification-outbox.entity.js';
import { createOutboxNotifier } from '../../src/domain/notifications/outbox-notifier.js';
import { InvitationSchema } from '../../src/domain/outreach/invitation.entity.js';
import { FollowUpTaskSchema } from '../../src/domain/todos/follow-up-task.entity.js';
import { bootApp, type TestApp } from '../support/app.js';
import { DIALECTS, type Dialect } from '../support/database.js';

/**
 * A notification that follows a state change is stored in the outbox in the same transaction as the
 * change: both commit or neither does. So there is no moment at which the change is committed and its
 * notification exists only in memory (a crash there lost it: it used to be queued after the commit).
 * Shown by making the outbox refuse rows (a trigger, as a full disk or a lost connection would): the
 * change does not happen either, and once the outbox takes rows again the change and its notice land together.
 */
const OUTBOX_DOWN: Record<Dialect, { on: string; off: string }> = {
  mysql: {
    on: `create trigger outbox_down before insert on notification_outbox for each row signal sqlstate '45000' set message_text = 'outbox down'`,
    off: 'drop trigger outbox_down',
  },
  sqlite: {
    on: `create trigger outbox_down before insert on notification_outbox begin select raise(abort, 'outbox down'); end`,
    off: 'drop trigger outbox_down',
  },
};

describe.each(DIALECTS)('notifications commit with their state change (%s)', (dialect) => {
  let t: TestApp;
  let sales: { id: number; token: string };
  let manager: { id: number; token: string };
  const sql = (query: string) => t.app.orm.em.fork().getConnection().execute(query);
  const outbox = (staffId: number) => t.app.orm.em.fork().find(NotificationOutboxSchema, { staffId }, { orderBy: { id: 'asc' } });

  beforeAll(async () => {
    t = await bootApp(dialect, { JOBS_ENABLED: 'false' });
    sales = await t.staffWithToken('sales', { name: '提交人' });
    manager = await t.staffWithToken('manager', { name: '审批人' });
  });
  afterAll(async () => {
    await t?.close();
  });

  it('an approval decision and the submitter’s notice: neither without the other', async () => {
    const em = t.app.orm.em.fork();
    const c = em.create(CustomerSchema, { id: 'CUST_NS1', name: '吴十', level: 'normal', segment: 'regular', tags: [] });
    em.create(CustomerContactSchema, { customer: c, name: '吴十', mobile: '+8613940000001', mobileLast8: '40000001', isPrimary: true });
    em.create(EventSchema, { id: 'EVENT_NS1', name: '新品品鉴会', eventDate: new Date(Date.now() + 7 * 86_400_000) });
    await em.flush();
    const created = await t.call('POST', '/api/ai-ops/outreach/invitation', { token: sales.token, json: { customerId: 'CUST_NS1', eventId: 'EVENT_NS1' } });
    expect(created.status).toBe(201);
    const id = created.body.data.id as string;

    await sql(OUTBOX_DOWN[dialect].on);
    try {
      const refused = await t.call('POST', `/api/ai-ops/outreach/invitations/${id}/approve`, { token: manager.token });
      expect(refused.status).not.toBe(200);
    } finally {
      await sql(OUTBOX_DOWN[dialect].off);
    }
    // The decision did not happen: still waiting, no approval audited, no notice.
    expect((await t.app.orm.em.fork().findOneOrFail(InvitationSchema, { id })).status).toBe('pending_approval');
    expect(await t.app.orm.em.fork().count(AuditLogSchema, { action: 'approval.approve', targetId: id })).toBe(0);
    expect(await outbox(sales.id)).toEqual([]);

    const approved = await t.call('POST', `/api/ai-ops/outreach/invitations/${id}/approve`, { token: manager.token });
    expect(approved.status).toBe(200);
    // Committed together: the moment the decision is visible, the notice is in the outbox.
    expect((await t.app.orm.em.fork().findOneOrFail(InvitationSchema, { id })).status).not.toBe('pending_approval');
    const [notice] = await outbox(sales.id);
    expect(notice).toMatchObject({ kind: 'text', payload: { title: '邀约已批准' } });
    expect((notice!.payload as { text: string }).text).toContain('已由 审批人 批准');
  });

  it('a call-task lead (number marked intended, follow-up todo) and the owner’s lead card: neither without the other', async () => {
    const em = t.app.orm.em.fork();
    const task = em.create(CallTaskSchema, { name: '春季回访', callScript: '您好', createdBy: sales.id } as never);
    await em.flush();
    const phone = em.create(CallTaskPhoneSchema, { task: task.id, phone: '+8613940000002', phoneLast8: '40000002' } as never);
    await em.flush();
    const call = em.create(CallSchema, { uuid: `lead-${dialect}`, direction: 'outbound', source: 'task', task: task.id, taskPhone: phone.id, attempt: 1, callee: '+8613940000002', calleeLast8: '40000002', startedAt: new Date(), answeredAt: new Date(), answeredBy: sales.id, duration: 30 } as never);
    await em.flush();
    const notifier = createOutboxNotifier({ fork: () => t.app.orm.em.fork(), wake: () => {} });
    const lead = () => makeTaskLead({ em: t.app.orm.em.fork(), notifier, timeZone: 'Asia/Shanghai', now: new Date() }, call.id, 'key_1');
    const cards = async () => (await outbox(sales.id)).filter((r) => r.kind === 'screen_pop');

    await sql(OUTBOX_DOWN[dialect].on);
    try {
      await expect(lead()).rejects.toThrow(/outbox down/);
    } finally {
      await sql(OUTBOX_DOWN[dialect].off);
    }
    expect((await t.app.orm.em.fork().findOneOrFail(CallTaskPhoneSchema, { id: phone.id })).intended).toBe(false);
    expect(await t.app.orm.em.fork().count(FollowUpTaskSchema, { relatedRecordId: call.uuid })).toBe(0);
    expect(await cards()).toEqual([]);

    expect(await lead()).toBe(true);
    expect((await t.app.orm.em.fork().findOneOrFail(CallTaskPhoneSchema, { id: phone.id })).intended).toBe(true);
    const todo = await t.app.orm.em.fork().findOneOrFail(FollowUpTaskSchema, { relatedRecordId: call.uuid });
    const [card] = await cards();
    expect(card).toMatchObject({ kind: 'screen_pop', payload: { title: '🔥 外呼意向客户 - 春季回访' } });
    expect((card!.payload as { lines: Array<[string, string]> }).lines).toContainEqual(['📌 待办', `#${todo.id}`]);
    // Once only: the number is already a lead.
    expect(await lead()).toBe(false);
    expect(await cards()).toHaveLength(1);
  });
});
