import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CustomerSchema } from '../../src/domain/customers/customer.entity.js';
import { resolvePhone } from '../../src/domain/customers/phone-resolution.js';
import { bootApp, type TestApp } from '../support/app.js';
import { DIALECTS } from '../support/database.js';

/** The bulk import keeps the customers module's rule: a mobile belongs to one customer. */
describe.each(DIALECTS)('a mobile belongs to one customer, also through an import (%s)', (dialect) => {
  let t: TestApp;
  let manager: { id: number; token: string };

  beforeAll(async () => {
    t = await bootApp(dialect);
    manager = await t.staffWithToken('manager');
  });
  afterAll(async () => {
    await t?.close();
  });

  const importCsv = async (content: string) => {
    const form = new FormData();
    form.set('kind', 'customers');
    form.set('file', new Blob([Buffer.from(content, 'utf8')]), 'customers.csv');
    const res = await fetch(`${t.app.url}/api/imports`, { method: 'POST', headers: { authorization: `Bearer ${manager.token}` }, body: form });
    expect(res.status).toBe(202);
    const id = ((await res.json()) as any).data.id as number;
    // Waits for the status the job writes, not for a fixed time.
    for (;;) {
      const job = (await t.call('GET', `/api/imports/${id}`, { token: manager.token })).body.data;
      if (job.status === 'completed' || job.status === 'failed') return job;
      await new Promise((r) => setTimeout(r, 100));
    }
  };

  it('rejects a row that gives another customer a mobile someone has (stored, or an earlier row of the file), naming who has it', async () => {
    expect((await t.call('POST', '/api/customers', { token: manager.token, json: { id: 'CUST_OWN', name: '原主', contacts: [{ name: '原主', mobile: '13960000001' }] } })).status).toBe(201);
    const job = await importCsv(
      ['客户编号,客户名称,联系人,联系人手机', 'CUST_I1,抢号者,甲,139-6000-0001', 'CUST_I2,乙,乙,13960000002', 'CUST_I3,丙,丙,+86 139 6000 0002', 'CUST_OWN,原主,原主,13960000001', ''].join('\r\n'),
    );
    expect(job).toMatchObject({ status: 'completed', processed: 4, created: 1, rejected: 2 });
    const errors = (await t.call('GET', `/api/imports/${job.id}/errors?size=100`, { token: manager.token })).body.data.records;
    expect(errors.map((e: { line: number; field: string }) => [e.line, e.field])).toEqual([[2, 'contactMobile'], [4, 'contactMobile']]);
    expect(errors[0].reason).toContain('CUST_OWN');
    expect(errors[1].reason).toContain('CUST_I2');
    expect(JSON.stringify(errors)).not.toMatch(/1396000000\d/);
    const em = t.app.orm.em.fork();
    expect(await em.count(CustomerSchema, { id: { $in: ['CUST_I1', 'CUST_I3'] } })).toBe(0);
    expect((await resolvePhone(em, '13960000001')).ranked.map((c) => c.customerId)).toEqual(['CUST_OWN']);
    // …and a customer the import created holds its mobile against the API too.
    const api = await t.call('POST', '/api/customers', { token: manager.token, json: { name: '后来者', contacts: [{ name: '后来者', mobile: '13960000002' }] } });
    expect(api.body).toMatchObject({ error: 'CUSTOMER_MOBILE_TAKEN', details: { customerId: 'CUST_I2' } });
  });
});
