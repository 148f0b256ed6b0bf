import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AuditLogSchema } from '../../src/domain/audit/audit-log.entity.js';
import { bootApp, type TestApp } from '../support/app.js';
import { DIALECTS } from '../support/database.js';

describe.each(DIALECTS)('events and members by API (%s)', (dialect) => {
  let t: TestApp;
  let sales: { id: number; token: string };
  let manager: { id: number; token: string };
  const fields = (res: { body: any }) => res.body.details.fields.map((f: { field: string }) => f.field).sort();

  beforeAll(async () => {
    t = await bootApp(dialect, { JOBS_ENABLED: 'false' });
    sales = await t.staffWithToken('sales');
    manager = await t.staffWithToken('manager');
    await t.call('POST', '/api/customers', { token: manager.token, json: { id: 'CUST_EM1', name: '钱多多', contacts: [{ name: '钱多多', mobile: '13940000001' }] } });
    await t.call('POST', '/api/customers', { token: manager.token, json: { id: 'CUST_EM2', name: '周全' } });
  });
  afterAll(async () => {
    await t?.close();
  });

  it('events: create, read, update, list by date and name, delete unless someone was invited', async () => {
    const created = await t.call('POST', '/api/events', { token: manager.token, json: { id: 'EVENT_W1', name: '周末狂欢夜', eventDate: '2026-12-12T20:00:00+08:00', venue: '一号厅' } });
    expect(created.status).toBe(201);
    expect(created.body.data).toMatchObject({ id: 'EVENT_W1', name: '周末狂欢夜', eventDate: '2026-12-12T12:00:00.000Z', venue: '一号厅', description: null });
    const generated = await t.call('POST', '/api/events', { token: manager.token, json: { name: '新年答谢会', eventDate: '2027-01-05T19:00:00+08:00' } });
    expect(generated.body.data.id).toMatch(/^EVENT_[0-9A-F]{10}$/);
    expect((await t.call('POST', '/api/events', { token: sales.token, json: { name: 'x', eventDate: '2026-12-12T20:00:00+08:00' } })).status).toBe(403);
    const bad = await t.call('POST', '/api/events', { token: manager.token, json: { name: '', eventDate: '2026-02-30T20:00:00+08:00', venue: 5 } });
    expect(bad.status).toBe(422);
    expect(fields(bad)).toEqual(['eventDate', 'name', 'venue']);
    expect((await t.call('POST', '/api/events', { token: manager.token, json: { id: 'EVENT_W1', name: '重复', eventDate: '2026-12-12T20:00:00+08:00' } })).body.error).toBe('EVENT_ID_TAKEN');

    const patched = await t.call('PATCH', '/api/events/EVENT_W1', { token: manager.token, json: { venue: '二号厅', description: '着装：休闲' } });
    expect(patched.body.data).toMatchObject({ venue: '二号厅', description: '着装：休闲', name: '周末狂欢夜' });
    expect((await t.call('PATCH', '/api/events/EVENT_NONE', { token: manager.token, json: { venue: 'x' } })).body.error).toBe('EVENT_NOT_FOUND');
    expect((await t.call('GET', '/api/events/EVENT_W1', { token: sales.token })).body.data.venue).toBe('二号厅');

    const december = await t.call('GET', `/api/events?from=${encodeURIComponent('2026-12-01T00:00:00+08:00')}&to=${encodeURIComponent('2027-01-01T00:00:00+08:00')}`, { token: sales.token });
    expect(december.body.data.records.map((e: { id: string }) => e.id)).toEqual(['EVENT_W1']);
    const byName = await t.call('GET', `/api/events?q=${encodeURIComponent('答谢')}&order=asc`, { token: sales.token });
    expect(byName.body.data).toMatchObject({ total: 1, size: 10, current: 1, pages: 1 });

    expect((await t.call('POST', '/api/ai-ops/outreach/invitation', { token: sales.token, json: { customerId: 'CUST_EM1', eventId: 'EVENT_W1' } })).status).toBe(201);
    expect((await t.call('DELETE', '/api/events/EVENT_W1', { token: manager.token })).body.error).toBe('EVENT_IN_USE');
    expect((await t.call('DELETE', `/api/events/${generated.body.data.id}`, { token: manager.token })).status).toBe(200);
    expect((await t.call('GET', `/api/events/${generated.body.data.id}`, { token: manager.token })).status).toBe(404);
    expect(await t.app.orm.em.fork().count(AuditLogSchema, { action: { $like: 'event.%' }, actorStaffId: manager.id })).toBe(4);
  });

  it('members: a membership joins the customer whose number it is; tier from the configured tiers; masked in lists', async () => {
    const joined = await t.call('POST', '/api/members', { token: manager.token, json: { id: 'MEM_1', name: '钱多多', phone: '+86 139-4000-0001', points: 120 } });
    expect(joined.status).toBe(201);
    expect(joined.body.data).toMatchObject({ id: 'MEM_1', customerId: 'CUST_EM1', phone: '139****0001', tier: 'basic', status: 'active', points: 120 });
    const bad = await t.call('POST', '/api/members', { token: manager.token, json: { tier: 'diamond', phone: '123', points: -1, customerId: 'CUST_NONE' } });
    expect(bad.status).toBe(422);
    expect(fields(bad)).toEqual(['phone', 'points']);
    const semantic = await t.call('POST', '/api/members', { token: manager.token, json: { tier: 'diamond', customerId: 'CUST_NONE' } });
    expect(fields(semantic)).toEqual(['customerId', 'tier']);
    // Another customer's mobile cannot be this customer's membership number.
    const taken = await t.call('POST', '/api/members', { token: manager.token, json: { customerId: 'CUST_EM2', phone: '13940000001' } });
    expect(taken.status).toBe(409);
    expect(taken.body).toMatchObject({ error: 'CUSTOMER_MOBILE_TAKEN', details: { customerId: 'CUST_EM1' } });
    expect((await t.call('POST', '/api/members', { token: sales.token, json: { name: 'x' } })).status).toBe(403);
    expect((await t.call('POST', '/api/members', { token: manager.token, json: { id: 'MEM_1' } })).body.error).toBe('MEMBER_ID_TAKEN');

    const upgraded = await t.call('PATCH', '/api/members/MEM_1', { token: manager.token, json: { tier: 'gold', tags: ['高消费'] } });
    expect(upgraded.body.data).toMatchObject({ tier: 'gold', tags: ['高消费'], customerId: 'CUST_EM1' });
    expect((await t.call('PATCH', '/api/members/MEM_1', { token: manager.token, json: { customerId: 'CUST_EM2' } })).status).toBe(200);
    expect((await t.call('PATCH', '/api/members/MEM_NONE', { token: manager.token, json: { points: 1 } })).body.error).toBe('MEMBER_NOT_FOUND');

    await t.call('POST', '/api/members', { token: manager.token, json: { id: 'MEM_2', name: '周全', phone: '13940000002', customerId: 'CUST_EM2', tier: 'silver' } });
    const list = await t.call('GET', '/api/members?customerId=CUST_EM2&sort=id&order=asc', { token: sales.token });
    expect(list.body.data.records.map((m: { id: string }) => m.id)).toEqual(['MEM_1', 'MEM_2']);
    expect(JSON.stringify(list.body.data)).not.toMatch(/1394000000\d/);
    expect((await t.call('GET', '/api/members?q=139%204000%200002', { token: sales.token })).body.data.records.map((m: { id: string }) => m.id)).toEqual(['MEM_2']);
    expect((await t.call('GET', '/api/members?tier=gold', { token: sales.token })).body.data.total).toBe(1);
    expect((await t.call('GET', '/api/members/MEM_2', { token: sales.token })).body.data).toMatchObject({ tier: 'silver', phone: '139****0002' });
  });
});
