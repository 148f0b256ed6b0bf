import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AuditLogSchema } from '../../src/domain/audit/audit-log.entity.js';
import { loadRoutingInput } from '../../src/domain/routing/routing-context.js';
import { planRoute } from '../../src/domain/routing/routing-policy.js';
import { atLocalTime } from '../../src/domain/shared/business-time.js';
import { bootApp, type TestApp } from '../support/app.js';
import { DIALECTS } from '../support/database.js';

const ALL_WEEK = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'];

describe.each(DIALECTS)('staff update and deactivation (%s)', (dialect) => {
  let t: TestApp;
  let admin: { id: number; token: string };
  let manager: { id: number; token: string };
  let sales: { id: number; token: string };
  const fields = (res: { body: any }) => res.body.details.fields.map((f: { field: string }) => f.field).sort();
  const patch = (id: number, json: unknown, token = admin.token) => t.call('PATCH', `/api/staff/${id}`, { token, json });
  /** Who inbound routing would ring on a Monday 10:00 for a customer the staff member owns. */
  const rung = async (ownerStaffId: number) => {
    const em = t.app.orm.em.fork();
    const input = await loadRoutingInput(em, { now: atLocalTime('2026-06-15', '10:00', 'Asia/Shanghai'), timeZone: 'Asia/Shanghai', ownerStaffId, voicemailMaxSeconds: 120 });
    return planRoute(input).staffIds;
  };

  beforeAll(async () => {
    t = await bootApp(dialect, { JOBS_ENABLED: 'false' });
    admin = await t.staffWithToken('admin');
    manager = await t.staffWithToken('manager');
    sales = await t.staffWithToken('sales', { mobile: '13950000001' });
  });
  afterAll(async () => {
    await t?.close();
  });

  it('updates role, mobile, extension, duty days and hours, daily cap and WeCom user id; the role is in force at once', async () => {
    expect((await t.call('GET', '/api/ai-ops/customer/performance', { token: sales.token })).status).toBe(403);
    const res = await patch(sales.id, { role: 'manager', mobile: '+86 139-5000-0002', officeExt: '8009', dutyDays: ALL_WEEK, dutyStart: '00:00', dutyEnd: '24:00', maxDailyCalls: 80, wecomUserId: `wx-${dialect}` });
    expect(res.status).toBe(200);
    expect(res.body.data).toMatchObject({ id: sales.id, role: 'manager', mobile: '139****0002', officeExt: '8009', dutyDays: ALL_WEEK, dutyStart: '00:00', dutyEnd: '24:00', maxDailyCalls: 80, wecomUserId: `wx-${dialect}`, active: true });
    expect((await t.call('GET', '/api/ai-ops/customer/performance', { token: sales.token })).status).not.toBe(403);
    expect((await t.call('GET', `/api/staff/${sales.id}`, { token: admin.token })).body.data.role).toBe('manager');
    await patch(sales.id, { role: 'sales' });
    expect(await t.app.orm.em.fork().count(AuditLogSchema, { action: 'staff.update', targetId: String(sales.id), actorStaffId: admin.id })).toBe(2);
  });

  it('answers every bad field at once; duty hours come as a pair; only staff:manage may change staff', async () => {
    const bad = await patch(sales.id, { role: 'boss', mobile: '02161234567', dutyDays: ['mon', 'someday'], dutyStart: '25:00', maxDailyCalls: -1, officeExt: 'abc' });
    expect(bad.status).toBe(422);
    expect(fields(bad)).toEqual(['dutyDays.1', 'dutyStart', 'maxDailyCalls', 'mobile', 'officeExt', 'role']);
    const half = await patch(manager.id, { dutyStart: '09:00' });
    expect(half.status).toBe(422);
    expect(fields(half)).toEqual(['dutyEnd']);
    expect((await patch(sales.id, { maxDailyCalls: 10 }, manager.token)).status).toBe(403);
    expect((await patch(999999, { maxDailyCalls: 10 })).body.error).toBe('STAFF_NOT_FOUND');
  });

  it('a mobile belongs to one active staff member', async () => {
    const taken = await patch(manager.id, { mobile: '13950000002' });
    expect(taken.status).toBe(409);
    expect(taken.body).toMatchObject({ error: 'STAFF_MOBILE_TAKEN', details: { staffId: sales.id } });
    const created = await t.call('POST', '/api/staff', { token: admin.token, json: { name: '新人', role: 'sales', mobile: '139 5000 0002' } });
    expect(created.status).toBe(409);
    expect(created.body.error).toBe('STAFF_MOBILE_TAKEN');
    expect((await patch(manager.id, { wecomUserId: `wx-${dialect}` })).body.error).toBe('STAFF_WECOM_USER_EXISTS');
  });

  it('deactivation: a token issued before stops at once, routing skips them, their mobile is free; reactivation checks it', async () => {
    expect((await t.call('GET', '/api/me', { token: sales.token })).status).toBe(200);
    expect(await rung(sales.id)).toContain(sales.id);

    expect((await t.call('POST', `/api/staff/${admin.id}/deactivate`, { token: admin.token, json: {} })).body.error).toBe('STAFF_SELF_DEACTIVATION');
    const off = await t.call('POST', `/api/staff/${sales.id}/deactivate`, { token: admin.token, json: { reason: '离职' } });
    expect(off.status).toBe(200);
    expect(off.body.data.active).toBe(false);

    const refused = await t.call('GET', '/api/me', { token: sales.token });
    expect(refused.status).toBe(401);
    expect(refused.body.error).toBe('UNAUTHENTICATED');
    expect(await rung(sales.id)).not.toContain(sales.id);
    const audit = await t.app.orm.em.fork().findOneOrFail(AuditLogSchema, { action: 'staff.deactivate', targetId: String(sales.id) });
    expect(audit.details).toEqual({ reason: '离职' });

    // The mobile went with them: a successor may have it, and then the old account cannot come back with it.
    const successor = await t.call('POST', '/api/staff', { token: admin.token, json: { name: '接替者', role: 'sales', mobile: '13950000002' } });
    expect(successor.status).toBe(201);
    expect((await t.call('POST', `/api/staff/${sales.id}/activate`, { token: admin.token, json: {} })).body.error).toBe('STAFF_MOBILE_TAKEN');
    await patch(sales.id, { mobile: null });
    const back = await t.call('POST', `/api/staff/${sales.id}/activate`, { token: admin.token, json: {} });
    expect(back.body.data).toMatchObject({ active: true, mobile: null });
    expect((await t.call('GET', '/api/me', { token: sales.token })).status).toBe(200);
  });
});
