import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AuditLogSchema } from '../../src/domain/audit/audit-log.entity.js';
import { CallSchema } from '../../src/domain/calls/call.entity.js';
import { resolvePhone } from '../../src/domain/customers/phone-resolution.js';
import { EventSchema } from '../../src/domain/events/event.entity.js';
import { MemberSchema } from '../../src/domain/members/member.entity.js';
import { ContactHistorySchema } from '../../src/domain/outreach/contact-history.entity.js';
import { InvitationSchema } from '../../src/domain/outreach/invitation.entity.js';
import { FollowUpTaskSchema } from '../../src/domain/todos/follow-up-task.entity.js';
import { bootApp, type TestApp } from '../support/app.js';
import { DIALECTS } from '../support/database.js';

describe.each(DIALECTS)('customers and contacts by API (%s)', (dialect) => {
  let t: TestApp;
  let sales: { id: number; token: string };
  let sales2: { id: number; token: string };
  let manager: { id: number; token: string };
  let duty: { id: number; token: string };

  const post = (path: string, token: string, json: unknown) => t.call('POST', path, { token, json });
  const fields = (res: { body: any }) => res.body.details.fields.map((f: { field: string }) => f.field).sort();

  beforeAll(async () => {
    t = await bootApp(dialect, { JOBS_ENABLED: 'false' });
    sales = await t.staffWithToken('sales');
    sales2 = await t.staffWithToken('sales');
    manager = await t.staffWithToken('manager');
    duty = await t.staffWithToken('duty');
  });
  afterAll(async () => {
    await t?.close();
  });

  it('creates a customer with contacts: numbers stored normalised, shown masked, owned by the sales person who created it', async () => {
    const res = await post('/api/customers', sales.token, {
      id: 'CUST_A1',
      name: '王芳',
      companyName: '上海星河贸易有限公司',
      phone: '021-6123 4567',
      level: 'vip',
      segment: 'loyal',
      tags: ['老客户', '老客户'],
      birthday: '1985-06-01',
      contacts: [{ name: '王芳', mobile: '+86 139-2000-0001', position: '总经理' }, { name: '李秘书', mobile: '13920000002' }],
    });
    expect(res.status).toBe(201);
    expect(res.body.data).toMatchObject({ id: 'CUST_A1', phone: '216****4567', ownerStaffId: sales.id, level: 'vip', segment: 'loyal', tags: ['老客户'], birthday: '1985-06-01' });
    expect(res.body.data.contacts.map((c: any) => [c.name, c.mobile, c.isPrimary])).toEqual([['王芳', '139****0001', true], ['李秘书', '139****0002', false]]);
    expect(JSON.stringify(res.body)).not.toMatch(/1392000000\d/);
    // The one phone → customer rule finds it by any spelling of a contact's mobile.
    expect((await resolvePhone(t.app.orm.em.fork(), '0086 13920000002')).customerId).toBe('CUST_A1');
    expect(await t.app.orm.em.fork().count(AuditLogSchema, { action: 'customer.create', targetId: 'CUST_A1', actorStaffId: sales.id })).toBe(1);

    const one = await t.call('GET', '/api/customers/CUST_A1', { token: duty.token });
    expect(one.status).toBe(200);
    expect(one.body.data.contacts).toHaveLength(2);
    expect((await t.call('GET', '/api/customers/NOPE', { token: duty.token })).body.error).toBe('CUSTOMER_NOT_FOUND');
  });

  it('answers every bad field at once in Chinese, and duty staff may not create', async () => {
    const bad = await post('/api/customers', sales.token, { phone: '12345', level: 'gold', contacts: [{ name: '', mobile: '02161234567' }], ownerStaffId: 'x' });
    expect(bad.status).toBe(422);
    expect(bad.body.error).toBe('VALIDATION_FAILED');
    expect(fields(bad)).toEqual(['contacts.0.mobile', 'contacts.0.name', 'level', 'name', 'ownerStaffId', 'phone']);
    expect(bad.body.details.fields.every((f: { message: string }) => /[\u4e00-\u9fa5]/.test(f.message))).toBe(true);
    const noOwner = await post('/api/customers', manager.token, { name: '无主', ownerStaffId: 999999 });
    expect(noOwner.status).toBe(422);
    expect(fields(noOwner)).toEqual(['ownerStaffId']);
    expect((await post('/api/customers', duty.token, { name: '值班' })).status).toBe(403);
    expect((await post('/api/customers', sales.token, { name: '塞给同事', ownerStaffId: sales2.id })).status).toBe(403);
    expect((await post('/api/customers', manager.token, { id: 'CUST_A1', name: '重复' })).body.error).toBe('CUSTOMER_ID_TAKEN');
  });

  it('a mobile belongs to one customer: another customer, a contact or an edit with it is 409 naming the customer who has it', async () => {
    const dup = await post('/api/customers', manager.token, { name: '张三', contacts: [{ name: '张三', mobile: '139 2000 0001' }] });
    expect(dup.status).toBe(409);
    expect(dup.body.error).toBe('CUSTOMER_MOBILE_TAKEN');
    expect(dup.body.details).toEqual({ phone: '139****0001', customerId: 'CUST_A1', customerName: '王芳' });
    expect(dup.body.message).toContain('CUST_A1');
    const own = await post('/api/customers', manager.token, { name: '张三', phone: '13920000002' });
    expect(own.body.error).toBe('CUSTOMER_MOBILE_TAKEN');

    const other = await post('/api/customers', manager.token, { id: 'CUST_B1', name: '赵六', contacts: [{ name: '赵六', mobile: '13920000011' }] });
    expect(other.status).toBe(201);
    expect((await post('/api/customers/CUST_B1/contacts', manager.token, { name: '冒名', mobile: '13920000001' })).status).toBe(409);
    expect((await t.call('PATCH', '/api/customers/CUST_B1', { token: manager.token, json: { phone: '+8613920000002' } })).body.error).toBe('CUSTOMER_MOBILE_TAKEN');
    // Landlines may be shared (a switchboard).
    expect((await t.call('PATCH', '/api/customers/CUST_B1', { token: manager.token, json: { phone: '02161234567' } })).status).toBe(200);
  });

  it('lists customers paged and masked, searching name, company and a phone in any spelling; filters owner, level, segment', async () => {
    await post('/api/customers', sales2.token, { id: 'CUST_C1', name: '陈晨', companyName: '杭州云帆科技', level: 'potential', contacts: [{ name: '陈晨', mobile: '13920000021' }] });
    const list = async (query: string, token = sales.token) => {
      const res = await t.call('GET', `/api/customers?${query}`, { token });
      expect(res.status).toBe(200);
      return res.body.data;
    };
    const ids = async (query: string) => (await list(query)).records.map((r: { id: string }) => r.id).sort();
    expect(await ids('q=王芳')).toEqual(['CUST_A1']);
    expect(await ids(`q=${encodeURIComponent('云帆')}`)).toEqual(['CUST_C1']);
    expect(await ids(`q=${encodeURIComponent('+86 139-2000-0021')}`)).toEqual(['CUST_C1']);
    expect(await ids('q=13920000002')).toEqual(['CUST_A1']);
    expect(await ids('q=%25')).toEqual([]);
    expect(await ids(`ownerStaffId=${sales2.id}`)).toEqual(['CUST_C1']);
    expect(await ids('level=vip')).toEqual(['CUST_A1']);
    expect(await ids('segment=loyal')).toEqual(['CUST_A1']);
    const page = await list('size=2&sort=id&order=asc');
    expect(page).toMatchObject({ size: 2, current: 1, total: 3, pages: 2 });
    expect(page.records.map((r: { id: string }) => r.id)).toEqual(['CUST_A1', 'CUST_B1']);
    expect(JSON.stringify(page)).not.toMatch(/1392000\d{4}/);
    const badQuery = await t.call('GET', '/api/customers?level=gold&size=1000', { token: sales.token });
    expect(badQuery.status).toBe(422);
    expect(fields(badQuery)).toEqual(['level', 'size']);
  });

  it('a sales person edits their own customers; another’s needs customer:edit', async () => {
    expect((await t.call('PATCH', '/api/customers/CUST_A1', { token: sales2.token, json: { notes: '抢客户' } })).status).toBe(403);
    const mine = await t.call('PATCH', '/api/customers/CUST_A1', { token: sales.token, json: { notes: '每月初拜访', segment: null } });
    expect(mine.status).toBe(200);
    expect(mine.body.data).toMatchObject({ notes: '每月初拜访', segment: null, name: '王芳' });
    const moved = await t.call('PATCH', '/api/customers/CUST_A1', { token: manager.token, json: { ownerStaffId: sales2.id } });
    expect(moved.body.data.ownerStaffId).toBe(sales2.id);
  });

  it('contacts: add, list, make primary, edit, delete — a deleted contact’s mobile is free again', async () => {
    const added = await post('/api/customers/CUST_C1/contacts', sales2.token, { name: '陈助理', mobile: '13920000022', phone: '0571-8888 1234', isPrimary: true });
    expect(added.status).toBe(201);
    expect(added.body.data).toMatchObject({ mobile: '139****0022', phone: '571****1234', isPrimary: true });
    const listed = await t.call('GET', '/api/customers/CUST_C1/contacts', { token: duty.token });
    expect(listed.body.data.records.map((c: any) => [c.name, c.isPrimary])).toEqual([['陈助理', true], ['陈晨', false]]);
    const id = added.body.data.id;
    const edited = await t.call('PATCH', `/api/customers/CUST_C1/contacts/${id}`, { token: sales2.token, json: { position: '助理', mobile: '13920000023' } });
    expect(edited.body.data).toMatchObject({ position: '助理', mobile: '139****0023' });
    // The old mobile was released with the edit: another customer may have it now.
    expect((await post('/api/customers', manager.token, { id: 'CUST_D1', name: '丁', contacts: [{ name: '丁', mobile: '13920000022' }] })).status).toBe(201);
    expect((await post('/api/customers', manager.token, { name: '戊', contacts: [{ name: '戊', mobile: '13920000023' }] })).status).toBe(409);
    expect((await t.call('DELETE', `/api/customers/CUST_C1/contacts/${id}`, { token: sales2.token })).status).toBe(200);
    expect((await t.call('DELETE', `/api/customers/CUST_C1/contacts/${id}`, { token: sales2.token })).body.error).toBe('CONTACT_NOT_FOUND');
    expect((await post('/api/customers', manager.token, { id: 'CUST_E1', name: '戊', contacts: [{ name: '戊', mobile: '13920000023' }] })).status).toBe(201);
    const bad = await t.call('PATCH', '/api/customers/CUST_C1/contacts/abc', { token: sales2.token, json: { mobile: '123' } });
    expect(bad.status).toBe(422);
    expect(fields(bad)).toEqual(['contactId', 'mobile']);
  });

  it('merges two customers in one transaction: contacts, history, todos, calls, invitations and memberships move; audited', async () => {
    await post('/api/customers', manager.token, { id: 'CUST_M1', name: '孙悦', level: 'vip', contacts: [{ name: '孙悦', mobile: '13920000031' }] });
    await post('/api/customers', manager.token, { id: 'CUST_M2', name: '孙悦（重复）', companyName: '孙氏实业', tags: ['展会'], contacts: [{ name: '孙先生', mobile: '13920000032' }] });
    const em = t.app.orm.em.fork();
    em.create(EventSchema, { id: 'EVENT_M', name: '新品品鉴会', eventDate: new Date(Date.now() + 7 * 86_400_000) });
    em.create(ContactHistorySchema, { customer: 'CUST_M2', phone: '+8613920000032', phoneLast8: '20000032', channel: 'call', type: 'follow_up', content: '回访', status: 'completed' } as any);
    em.create(FollowUpTaskSchema, { customer: 'CUST_M2', title: '回访孙先生', dueDate: '2026-12-01', assignedTo: sales.id } as any);
    em.create(CallSchema, { uuid: `merge-${dialect}`, callee: '+864001234567', calleeLast8: '01234567', caller: '+8613920000032', callerLast8: '20000032', customer: 'CUST_M2', startedAt: new Date() } as any);
    em.create(MemberSchema, { id: `MEM_M2_${dialect}`, customer: 'CUST_M2', name: '孙先生', tier: 'silver', joinedAt: new Date() } as any);
    await em.flush();
    expect((await post('/api/ai-ops/outreach/invitation', manager.token, { customerId: 'CUST_M2', eventId: 'EVENT_M' })).status).toBe(201);

    expect((await post('/api/customers/CUST_M1/merge', sales.token, { fromId: 'CUST_M2' })).status).toBe(403);
    expect(fields(await post('/api/customers/CUST_M1/merge', manager.token, { fromId: 'CUST_M1' }))).toEqual(['fromId']);
    expect((await post('/api/customers/CUST_M1/merge', manager.token, { fromId: 'CUST_NONE' })).body.error).toBe('CUSTOMER_NOT_FOUND');

    const merged = await post('/api/customers/CUST_M1/merge', manager.token, { fromId: 'CUST_M2' });
    expect(merged.status).toBe(200);
    expect(merged.body.data).toMatchObject({ id: 'CUST_M1', name: '孙悦', level: 'vip', companyName: '孙氏实业', tags: ['展会'], mergedFrom: 'CUST_M2' });
    expect(merged.body.data.moved).toMatchObject({ contacts: 1, contactHistory: 1, todos: 1, calls: 1, invitations: 1, members: 1, mobileClaims: 1 });
    expect(merged.body.data.contacts.map((c: any) => [c.name, c.isPrimary])).toEqual([['孙悦', true], ['孙先生', false]]);
    expect((await t.call('GET', '/api/customers/CUST_M2', { token: manager.token })).status).toBe(404);

    const check = t.app.orm.em.fork();
    expect(await check.count(ContactHistorySchema, { customer: 'CUST_M1' })).toBe(1);
    expect(await check.count(FollowUpTaskSchema, { customer: 'CUST_M1' })).toBe(1);
    expect(await check.count(CallSchema, { customer: 'CUST_M1' })).toBe(1);
    expect(await check.count(MemberSchema, { customer: 'CUST_M1' })).toBe(1);
    expect((await check.findOneOrFail(InvitationSchema, { customer: 'CUST_M1' })).openKey).toBe('CUST_M1|EVENT_M');
    expect((await resolvePhone(check, '13920000032')).customerId).toBe('CUST_M1');
    const audit = await check.findOneOrFail(AuditLogSchema, { action: 'customer.merge', targetId: 'CUST_M1' });
    expect(audit).toMatchObject({ actorStaffId: manager.id, channel: 'api' });
    expect(audit.details).toMatchObject({ fromId: 'CUST_M2', moved: { contacts: 1, calls: 1 } });
    // The merged customer's mobile now belongs to the kept one.
    expect((await post('/api/customers', manager.token, { name: '又一个', contacts: [{ name: 'x', mobile: '13920000032' }] })).body.details.customerId).toBe('CUST_M1');
  });
});

describe('a mobile belongs to one customer under concurrency (mysql)', () => {
  let t: TestApp;
  let manager: { id: number; token: string };
  beforeAll(async () => {
    t = await bootApp('mysql', { JOBS_ENABLED: 'false' });
    manager = await t.staffWithToken('manager');
  });
  afterAll(async () => {
    await t?.close();
  });

  it('parallel creates with the same mobile (written differently): exactly one wins, the others are 409 naming the winner', async () => {
    const spellings = ['13930000001', '+86 139 3000 0001', '139-3000-0001', '008613930000001', '86 13930000001', '139 3000 0001', '+8613930000001', '0086-139-3000-0001'];
    const results = await Promise.all(
      spellings.map((mobile, i) => t.call('POST', '/api/customers', { token: manager.token, json: { id: `CUST_RACE_${i}`, name: `抢号${i}`, contacts: [{ name: `联系人${i}`, mobile }] } })),
    );
    const won = results.filter((r) => r.status === 201);
    const lost = results.filter((r) => r.status === 409);
    expect(won).toHaveLength(1);
    expect(lost).toHaveLength(spellings.length - 1);
    const winner = won[0]!.body.data.id;
    for (const r of lost) expect(r.body).toMatchObject({ error: 'CUSTOMER_MOBILE_TAKEN', details: { customerId: winner } });
    const listed = await t.call('GET', '/api/customers?q=13930000001', { token: manager.token });
    expect(listed.body.data.records.map((r: { id: string }) => r.id)).toEqual([winner]);
  });
});
