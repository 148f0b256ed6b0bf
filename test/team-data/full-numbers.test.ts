import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CallSchema } from '../../src/domain/calls/call.entity.js';
import { CallTaskSchema } from '../../src/domain/call-tasks/call-task.entity.js';
import { bootApp, type TestApp } from '../support/app.js';
import { DIALECTS } from '../support/database.js';

/**
 * Full numbers only to holders of the permission that names them: every list masks (138****8888); a
 * detail view shows the full number to holders — customer:phone:view for a customer and its contacts
 * (managers and admins), lead:call:edit for call records (seed 004) — and masks it for everyone else.
 */
describe.each(DIALECTS)('full numbers only to holders of the permission (%s)', (dialect) => {
  let t: TestApp;
  let manager: { id: number; token: string };
  let sales: { id: number; token: string };
  let recordId: number;
  const get = (path: string, token: string) => t.call('GET', path, { token });

  beforeAll(async () => {
    t = await bootApp(dialect, { JOBS_ENABLED: 'false' });
    manager = await t.staffWithToken('manager');
    sales = await t.staffWithToken('sales');
    const created = await t.call('POST', '/api/customers', {
      token: sales.token,
      json: { id: 'CUST_FN1', name: '周九', phone: '13930000001', ownerStaffId: sales.id, contacts: [{ name: '周助理', mobile: '13930000002', phone: '0571-8888 1234' }] },
    });
    expect(created.status).toBe(201);
    // Sales do not hold customer:phone:view: even the answer to their own create is masked.
    expect(created.body.data).toMatchObject({ phone: '139****0001', contacts: [{ mobile: '139****0002' }] });

    const em = t.app.orm.em.fork();
    const task = em.create(CallTaskSchema, { name: '回访', callScript: '您好', createdBy: sales.id } as never);
    await em.flush();
    const call = em.create(CallSchema, { uuid: `fn-${dialect}`, direction: 'outbound', source: 'task', task: task.id, attempt: 1, callee: '+8613930000003', calleeLast8: '30000003', startedAt: new Date(), duration: 0 } as never);
    await em.flush();
    recordId = call.id;
  });
  afterAll(async () => {
    await t?.close();
  });

  it('customer detail: a manager (customer:phone:view) reads every number in full, a salesperson reads them masked', async () => {
    const full = await get('/api/customers/CUST_FN1', manager.token);
    expect(full.status).toBe(200);
    expect(full.body.data).toMatchObject({ phone: '13930000001', contacts: [{ name: '周助理', mobile: '13930000002', phone: '057188881234' }] });
    const masked = await get('/api/customers/CUST_FN1', sales.token);
    expect(masked.status).toBe(200);
    expect(masked.body.data).toMatchObject({ phone: '139****0001', contacts: [{ mobile: '139****0002', phone: '571****1234' }] });
    expect(JSON.stringify(masked.body)).not.toContain('13930000001');
  });

  it('customer and contact lists mask for everyone, holders included', async () => {
    for (const token of [manager.token, sales.token]) {
      const list = await get(`/api/customers?q=${encodeURIComponent('周九')}`, token);
      expect(list.body.data.records).toEqual([expect.objectContaining({ id: 'CUST_FN1', phone: '139****0001' })]);
      const contacts = await get('/api/customers/CUST_FN1/contacts', token);
      expect(contacts.body.data.records).toEqual([expect.objectContaining({ mobile: '139****0002' })]);
    }
  });

  it('call records: the list masks for everyone; the detail shows the full number to lead:call:edit only', async () => {
    for (const token of [manager.token, sales.token]) {
      const list = await get(`/api/v1/lead-generation/call-records?taskId=${(await t.app.orm.em.fork().findOneOrFail(CallSchema, { id: recordId })).task}`, token);
      expect(list.body.data.records).toEqual([expect.objectContaining({ recordId, phoneNumber: '139****0003' })]);
    }
    expect((await get(`/api/v1/lead-generation/call-records/${recordId}`, manager.token)).body.data.phoneNumber).toBe('13930000003');
    expect((await get(`/api/v1/lead-generation/call-records/${recordId}`, sales.token)).body.data.phoneNumber).toBe('139****0003');
  });
});
