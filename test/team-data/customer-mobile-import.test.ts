import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CustomerContactSchema } from '../../src/domain/customers/customer-contact.entity.js';
import { CustomerSchema } from '../../src/domain/customers/customer.entity.js';
import { MobileClaimSchema } from '../../src/domain/customers/mobile-claim.entity.js';
import { resolvePhone } from '../../src/domain/customers/phone-resolution.js';
import { bootApp, type TestApp } from '../support/app.js';
import { DIALECTS } from '../support/database.js';
import { waitFor } from '../support/wait-for.js';

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
    return waitFor(async () => {
      const job = (await t.call('GET', `/api/imports/${id}`, { token: manager.token })).body.data;
      return (job.status === 'completed' || job.status === 'failed') && job;
    }, `import ${id} to finish`, 120_000);
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

  it('takes over a stale claim (its customer no longer carries the number) as the API does', async () => {
    for (const [id, mobile] of [['CUST_STALE1', '13960000011'], ['CUST_STALE2', '13960000012']]) {
      expect((await t.call('POST', '/api/customers', { token: manager.token, json: { id, name: '旧主', contacts: [{ name: '旧主', mobile }] } })).status).toBe(201);
    }
    // A door that does not release claims (older code, an import of a changed contact) changed the numbers.
    const em = t.app.orm.em.fork();
    for (const [id, mobile] of [['CUST_STALE1', '+8613960000091'], ['CUST_STALE2', '+8613960000092']] as const) {
      await em.nativeUpdate(CustomerContactSchema, { customer: id }, { mobile, mobileLast8: mobile.slice(-8) });
    }
    const claimOf = async (mobile: string) => (await t.app.orm.em.fork().findOne(MobileClaimSchema, { mobile }, { disableIdentityMap: true }))?.customer.id;
    expect(await claimOf('+8613960000011')).toBe('CUST_STALE1');

    const job = await importCsv(['客户编号,客户名称,联系人,联系人手机', 'CUST_NEW1,新主,新主,13960000011', ''].join('\r\n'));
    expect(job).toMatchObject({ status: 'completed', processed: 1, created: 1, rejected: 0 });
    expect(await claimOf('+8613960000011')).toBe('CUST_NEW1');
    expect((await resolvePhone(t.app.orm.em.fork(), '13960000011')).ranked.map((c) => c.customerId)).toEqual(['CUST_NEW1']);
    // The API, the same rule: it takes the other stale claim over, and now refuses the number the import took.
    expect((await t.call('POST', '/api/customers', { token: manager.token, json: { id: 'CUST_NEW2', name: '新主二', contacts: [{ name: '新主二', mobile: '13960000012' }] } })).status).toBe(201);
    expect(await claimOf('+8613960000012')).toBe('CUST_NEW2');
    const taken = await t.call('POST', '/api/customers', { token: manager.token, json: { name: '后来者', contacts: [{ name: '后来者', mobile: '13960000011' }] } });
    expect(taken.body).toMatchObject({ error: 'CUSTOMER_MOBILE_TAKEN', details: { customerId: 'CUST_NEW1' } });
  });
});
