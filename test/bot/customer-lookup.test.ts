import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CustomerContactSchema } from '../../src/domain/customers/customer-contact.entity.js';
import { CustomerSchema } from '../../src/domain/customers/customer.entity.js';
import { bootApp, type TestApp } from '../support/app.js';
import { DIALECTS } from '../support/database.js';

/**
 * Chat `客户 <电话或名称>` finds a customer through the customers module's one phone → customer rule and
 * shows a number, masked, even when the only number is a contact's (it used to answer 无号码).
 */
describe.each(DIALECTS)('chat 客户 lookup shows a contact’s number (%s)', (dialect) => {
  let t: TestApp;
  const ask = (text: string) => t.app.chatOps.router.handleText({ channel: 'wecom', senderId: `lookup-sales-${dialect}` }, text);

  beforeAll(async () => {
    t = await bootApp(dialect, { JOBS_ENABLED: 'false' });
    const sales = await t.staffWithToken('sales', { wecomUserId: `lookup-sales-${dialect}` });
    const em = t.app.orm.em.fork();
    // No number of its own: reached only through its contact's mobile.
    em.create(CustomerSchema, { id: 'CUST_LK1', name: '钱七', companyName: '钱氏贸易', level: 'normal', tags: [], ownerStaff: sales.id });
    em.create(CustomerContactSchema, { customer: 'CUST_LK1', name: '钱七', mobile: '+8613977770001', mobileLast8: '77770001', isPrimary: true });
    // Its own mobile, and a contact's mobile: a lookup by the mobile shows the mobile it matched.
    em.create(CustomerSchema, { id: 'CUST_LK2', name: '孙八', level: 'vip', tags: [], phone: '+8613600001111', phoneLast8: '00001111' });
    em.create(CustomerContactSchema, { customer: 'CUST_LK2', name: '采购孙', mobile: '+8613977770002', mobileLast8: '77770002', isPrimary: true });
    await em.flush();
  });
  afterAll(async () => {
    await t?.close();
  });

  it('by the contact’s mobile in any spelling: the customer with the contact’s number masked, never 无号码', async () => {
    for (const q of ['13977770001', '+86 139-7777-0001', '77770001']) {
      const reply = await ask(`客户 ${q}`);
      expect(reply).toContain('找到 1 位客户');
      expect(reply).toContain('钱七（钱氏贸易） 139****0001');
      expect(reply).not.toContain('无号码');
      expect(reply).not.toContain('13977770001');
    }
  });

  it('by name: the contact’s number stands in for the missing own number', async () => {
    const reply = await ask('客户 钱');
    expect(reply).toContain('钱七（钱氏贸易） 139****0001');
    expect(reply).not.toContain('无号码');
  });

  it('a customer with its own number: by name its own, by a contact’s mobile the one that matched', async () => {
    expect(await ask('客户 孙')).toContain('孙八 136****1111');
    const byContact = await ask('客户 13977770002');
    expect(byContact).toContain('孙八 139****0002');
    expect(byContact).not.toContain('13977770002');
  });
});
