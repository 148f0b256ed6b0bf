import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ContactHistorySchema } from '../../src/domain/outreach/contact-history.entity.js';
import { bootApp, type TestApp } from '../support/app.js';
import { DIALECTS } from '../support/database.js';
import { HOUR, addCustomer } from './outreach-fixtures.js';

const HISTORY = '/api/ai-ops/outreach/history';

describe.each(DIALECTS)('GET /api/ai-ops/outreach/history on %s', (dialect) => {
  let t: TestApp;
  let staff: { id: number; token: string };
  let customerId: string;

  beforeAll(async () => {
    t = await bootApp(dialect);
    staff = await t.staffWithToken('duty');
    const em = t.app.orm.em.fork();
    customerId = (await addCustomer(em)).id;
    const other = await addCustomer(em);
    const now = Date.now();
    for (const [i, channel] of (['sms', 'call', 'wechat', 'sms', 'call'] as const).entries()) {
      em.create(ContactHistorySchema, {
        customer: customerId,
        phone: '+8613800138000',
        phoneLast8: '00138000',
        channel,
        type: 'follow_up',
        content: `第${i + 1}次回访`,
        status: 'sent',
        createdAt: new Date(now - (5 - i) * HOUR),
        createdBy: i === 0 ? null : staff.id,
      } as any);
    }
    em.create(ContactHistorySchema, { customer: other.id, channel: 'sms', type: 'reminder', content: '别人的', status: 'sent', createdAt: new Date(now) } as any);
    await em.flush();
  });
  afterAll(async () => t?.close());

  it('lists the customer\'s contacts newest first with `limit` as the page size, phones masked', async () => {
    const res = await t.call('GET', `${HISTORY}?customerId=${customerId}&limit=2`, { token: staff.token });
    expect(res.status).toBe(200);
    const page = res.body.data;
    expect(page).toMatchObject({ total: 5, size: 2, current: 1, pages: 3 });
    expect(page.records.map((r: any) => r.content)).toEqual(['第5次回访', '第4次回访']);
    expect(page.records[0]).toMatchObject({ customerId, channel: 'call', type: 'follow_up', status: 'sent', phone: '138****8000', createdBy: staff.id });
    const last = (await t.call('GET', `${HISTORY}?customerId=${customerId}&limit=2&page=3`, { token: staff.token })).body.data;
    expect(last.records.map((r: any) => r.content)).toEqual(['第1次回访']);
    expect(last.records[0].createdBy).toBeNull();
    const bySize = (await t.call('GET', `${HISTORY}?customerId=${customerId}&size=10`, { token: staff.token })).body.data;
    expect(bySize.records).toHaveLength(5);
  });

  it('answers 404 for an unknown customer, 422 without customerId, 401 without a token', async () => {
    const missing = await t.call('GET', `${HISTORY}?customerId=CUST_NOPE`, { token: staff.token });
    expect(missing.status).toBe(404);
    expect(missing.body.error).toBe('CUSTOMER_NOT_FOUND');
    const bad = await t.call('GET', `${HISTORY}?limit=500`, { token: staff.token });
    expect(bad.status).toBe(422);
    expect(bad.body.details.fields.map((f: { field: string }) => f.field).sort()).toEqual(['customerId', 'limit']);
    expect((await t.call('GET', `${HISTORY}?customerId=${customerId}`)).status).toBe(401);
  });
});
