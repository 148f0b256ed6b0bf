import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ContactHistorySchema } from '../../src/domain/outreach/contact-history.entity.js';
import { CustomerFeedbackSchema } from '../../src/domain/outreach/customer-feedback.entity.js';
import { CustomerContactSchema } from '../../src/domain/customers/customer-contact.entity.js';
import { bootApp, type TestApp } from '../support/app.js';
import { DIALECTS } from '../support/database.js';
import { FakeOpenAi } from '../support/fake-openai.js';
import { DAY, HOUR, addCustomer, shanghaiMinutes } from './outreach-fixtures.js';
import { gate } from '../support/wait-for.js';

const SCRIPT = '/api/ai-ops/outreach/follow-up';
const PENDING = '/api/ai-ops/outreach/follow-ups/pending';

const inWindow = (iso: string) => {
  const m = shanghaiMinutes(iso);
  return m >= 8 * 60 && m < 20 * 60;
};

describe.each(DIALECTS)('follow-up scripts without a model on %s', (dialect) => {
  let t: TestApp;
  let sales: { id: number; token: string };

  beforeAll(async () => {
    t = await bootApp(dialect);
    sales = await t.staffWithToken('sales');
  });
  afterAll(async () => t?.close());

  it('returns a template script with the name, the VIP channel order and a time inside business hours', async () => {
    const c = await addCustomer(t.app.orm.em.fork(), { name: '张伟', segment: 'VIP', lastVisitAt: new Date(Date.now() - 3 * HOUR) });
    const res = await t.call('POST', SCRIPT, { token: sales.token, json: { customerId: c.id, reason: 'post_visit', lastVisitDays: 0, lastOrderAmount: 500, customerSegment: 'VIP' } });
    expect(res.status).toBe(200);
    const d = res.body.data;
    expect(d).toMatchObject({ customerId: c.id, source: 'template', fallbackReason: 'NOT_CONFIGURED', model: null, recommendedChannel: 'call', channelOrder: ['call', 'wechat', 'sms'] });
    expect(d.script).toContain('张伟');
    expect([...d.script].length).toBeLessThanOrEqual(100);
    expect(inWindow(d.recommendedAt)).toBe(true);
    expect(new Date(d.recommendedAt).getTime()).toBeGreaterThanOrEqual(Date.now() - 60_000);
    expect(Math.abs(new Date(d.dueBy).getTime() - (c.lastVisitAt!.getTime() + DAY))).toBeLessThan(1000); // MySQL keeps whole seconds
  });

  it('texts an ordinary customer first and phones first after a complaint', async () => {
    const c = await addCustomer(t.app.orm.em.fork(), { name: '李娜', segment: 'regular' });
    const dormant = await t.call('POST', SCRIPT, { token: sales.token, json: { customerId: c.id, reason: 'dormant', lastVisitDays: 45 } });
    expect(dormant.body.data).toMatchObject({ recommendedChannel: 'sms', channelOrder: ['sms', 'wechat', 'call'] });
    const complaint = await t.call('POST', SCRIPT, { token: sales.token, json: { customerId: c.id, reason: 'complaint' } });
    expect(complaint.body.data.recommendedChannel).toBe('call');
    expect(complaint.body.data.script).toContain('李娜');
  });

  it('answers 404 for an unknown customer, 422 for a bad body and 403 without the permission', async () => {
    const missing = await t.call('POST', SCRIPT, { token: sales.token, json: { customerId: 'CUST_NOPE', reason: 'birthday' } });
    expect(missing.status).toBe(404);
    expect(missing.body.error).toBe('CUSTOMER_NOT_FOUND');
    const bad = await t.call('POST', SCRIPT, { token: sales.token, json: { customerId: 'X', reason: 'lottery', lastOrderAmount: -1 } });
    expect(bad.status).toBe(422);
    expect(bad.body.error).toBe('VALIDATION_FAILED');
    expect(bad.body.details.fields.map((f: { field: string }) => f.field).sort()).toEqual(['lastOrderAmount', 'reason']);
    const duty = await t.staffWithToken('duty');
    expect((await t.call('POST', SCRIPT, { token: duty.token, json: { customerId: 'X', reason: 'dormant' } })).status).toBe(403);
  });

  it('lists who is due now by reason, paged, with masked phones', async () => {
    const em = t.app.orm.em.fork();
    const now = Date.now();
    const today = new Date(now + 8 * HOUR).toISOString().slice(5, 10);
    const ids = {
      complaint: (await addCustomer(em, { name: '投诉客户' })).id,
      postVisit: (await addCustomer(em, { name: '刚到店', lastVisitAt: new Date(now - 2 * HOUR) })).id,
      contacted: (await addCustomer(em, { name: '已回访', lastVisitAt: new Date(now - 5 * HOUR), lastContactAt: new Date(now - HOUR) })).id,
      birthday: (await addCustomer(em, { name: '寿星', birthday: `1990-${new Date(now + 8 * HOUR + 2 * DAY).toISOString().slice(5, 10)}` as any })).id,
      farBirthday: (await addCustomer(em, { name: '远寿星', birthday: `1990-${new Date(now + 8 * HOUR + 20 * DAY).toISOString().slice(5, 10)}` as any })).id,
      dormant: (await addCustomer(em, { name: '沉睡', lastVisitAt: new Date(now - 45 * DAY), lastContactAt: new Date(now - 40 * DAY) })).id,
      dormantButTexted: (await addCustomer(em, { name: '刚发过短信', lastVisitAt: new Date(now - 45 * DAY) })).id,
      recentVisitor: (await addCustomer(em, { name: '上周来过', lastVisitAt: new Date(now - 7 * DAY) })).id,
    };
    em.create(CustomerFeedbackSchema, { customer: ids.complaint, contactId: 'C1', type: 'complaint', content: '音响太差', tags: [], createdAt: new Date(now - 2 * HOUR) } as any);
    em.create(CustomerFeedbackSchema, { customer: ids.recentVisitor, contactId: 'C2', type: 'complaint', content: '旧投诉', tags: [], createdAt: new Date(now - 3 * DAY) } as any);
    em.create(ContactHistorySchema, { customer: ids.dormantButTexted, channel: 'sms', type: 'reminder', content: '您好', status: 'sent', createdAt: new Date(now - 5 * DAY) } as any);
    // A history row without a customer must not hide every dormant customer (NOT IN with NULL).
    em.create(ContactHistorySchema, { customer: null, channel: 'sms', type: 'reminder', content: '您好', status: 'sent', createdAt: new Date(now - 5 * DAY) } as any);
    await em.flush();
    expect(today).toMatch(/^\d\d-\d\d$/);

    const all: any[] = [];
    let page = 1;
    let body: any;
    do {
      const res = await t.call('GET', `${PENDING}?size=2&page=${page}`, { token: sales.token });
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      body = res.body.data;
      all.push(...body.records);
      page += 1;
    } while (page <= body.pages);
    const mine = all.filter((r) => Object.values(ids).includes(r.customerId));
    const reasonOf = (id: string) => mine.filter((r) => r.customerId === id).map((r) => r.reason);
    expect(reasonOf(ids.complaint)).toEqual(['complaint']);
    expect(reasonOf(ids.postVisit)).toEqual(['post_visit']);
    expect(reasonOf(ids.birthday)).toEqual(['birthday']);
    expect(reasonOf(ids.dormant)).toEqual(['dormant']);
    for (const id of [ids.contacted, ids.farBirthday, ids.dormantButTexted, ids.recentVisitor]) expect(reasonOf(id)).toEqual([]);
    expect(body.total).toBe(all.length);
    expect(new Set(all.map((r) => `${r.customerId}:${r.reason}`)).size).toBe(all.length);
    // Most urgent first: complaints, then visits, birthdays, dormant customers.
    const order = ['complaint', 'post_visit', 'birthday', 'dormant'];
    expect(all.map((r) => order.indexOf(r.reason))).toEqual([...all.map((r) => order.indexOf(r.reason))].sort((a, b) => a - b));
    for (const r of all) {
      expect(r.phone).toMatch(/^\d{3}\*{4}\d{4}$/);
      expect(inWindow(r.recommendedAt)).toBe(true);
    }
    const complaintRow = mine.find((r) => r.reason === 'complaint');
    expect(Math.abs(new Date(complaintRow.dueBy).getTime() - (now - 2 * HOUR + DAY))).toBeLessThan(1000);

    for (const r of all) expect(new Date(r.dueBy ?? r.recommendedAt).getTime()).toBeGreaterThanOrEqual(new Date(r.recommendedAt).getTime());

    const onlyDormant = (await t.call('GET', `${PENDING}?reason=dormant&size=100`, { token: sales.token })).body.data;
    expect(onlyDormant.records.every((r: any) => r.reason === 'dormant')).toBe(true);
    expect((await t.call('GET', `${PENDING}?reason=nope`, { token: sales.token })).status).toBe(422);
  });
});

describe.each(DIALECTS)('pending complaints and contact numbers on %s', (dialect) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await bootApp(dialect);
  });
  afterAll(async () => t?.close());

  it('a completed follow-up todo takes its complaint off the pending list; a contact\'s mobile shows, masked', async () => {
    const owner = await t.staffWithToken('sales', { wecomUserId: 'owner-fu' });
    const em = t.app.orm.em.fork();
    // A customer without a number of their own: only their contact has a mobile.
    const customer = await addCustomer(em, { name: '只有联系人', phone: null, phoneLast8: null, ownerStaff: owner.id } as any);
    em.create(CustomerContactSchema, { customer: customer.id, name: '王经理', mobile: '+8613911112222', mobileLast8: '11112222', isPrimary: true } as any);
    await em.flush();
    const fb = await t.call('POST', '/api/ai-ops/outreach/feedback', { token: owner.token, json: { customerId: customer.id, contactId: 'C9', type: 'complaint', content: '包间空调坏了' } });
    expect(fb.status).toBe(201);
    const todoId = fb.body.data.followUpTask.id;
    const pendingRow = async () =>
      ((await t.call('GET', `${PENDING}?reason=complaint&size=100`, { token: owner.token })).body.data.records as any[]).find((r) => r.customerId === customer.id);
    const before = await pendingRow();
    expect(before).toMatchObject({ reason: 'complaint', phone: '139****2222' });
    // The owner completes the todo in chat.
    const reply = await t.app.chatOps.router.handleText({ channel: 'wecom', senderId: 'owner-fu' }, `完成 ${todoId}`);
    expect(reply).toContain(String(todoId));
    expect(await pendingRow()).toBeUndefined();
  });
});

describe.each(DIALECTS)('follow-up scripts from a model on %s', (dialect) => {
  const fake = new FakeOpenAi();
  let t: TestApp;
  let sales: { token: string };
  let customerId: string;

  beforeAll(async () => {
    await fake.start();
    t = await bootApp(dialect, { OPENAI_BASE_URL: fake.baseUrl, OPENAI_API_KEY: 'x', OPENAI_MODEL: 'qwen-plus', OPENAI_TIMEOUT_MS: '5000' });
    sales = await t.staffWithToken('sales');
    customerId = (await addCustomer(t.app.orm.em.fork(), { name: '王芳', segment: 'loyal' })).id;
  });
  afterAll(async () => {
    await t?.close();
    await fake.stop();
  });

  const ask = () => t.call('POST', SCRIPT, { token: sales.token, json: { customerId, reason: 'dormant', lastVisitDays: 40, lastOrderAmount: 688.5, customerSegment: 'loyal' } });

  it('returns the model answer, marked source "model", and tells the model the facts', async () => {
    fake.onChat = () => '“王芳您好，好久不见！老朋友回店享9折，周末想唱歌随时找我订房。”';
    const res = await ask();
    expect(res.status).toBe(200);
    expect(res.body.data).toMatchObject({ source: 'model', fallbackReason: null, model: 'qwen-plus', script: '王芳您好，好久不见！老朋友回店享9折，周末想唱歌随时找我订房。' });
    const prompt = fake.chats.at(-1)!.messages.map((m) => m.content).join('\n');
    expect(prompt).toContain('王芳您好');
    expect(prompt).toContain('688.50元');
    expect(prompt).toContain('40天');
  });

  it('falls back to the template when the model times out', async () => {
    // The model's answer is held until ours is in: only the configured timeout can end the wait.
    const answer = gate();
    fake.onChat = () => ({ hold: answer.passed, content: '太晚了' });
    const res = await ask();
    answer.open();
    expect(res.body.data).toMatchObject({ source: 'template', fallbackReason: 'TIMEOUT' });
    expect(res.body.data.script).toContain('王芳');
  });

  it('falls back to the template when the model fails or answers too long', async () => {
    fake.onChat = () => ({ status: 503, body: { error: { message: 'overloaded' } } });
    expect((await ask()).body.data).toMatchObject({ source: 'template', fallbackReason: 'UNAVAILABLE' });
    fake.onChat = () => '王芳您好，'.repeat(30);
    const long = (await ask()).body.data;
    expect(long).toMatchObject({ source: 'template', fallbackReason: 'TOO_LONG' });
    expect([...long.script].length).toBeLessThanOrEqual(100);
  });
});
