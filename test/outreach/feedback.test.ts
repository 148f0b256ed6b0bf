import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CustomerFeedbackSchema } from '../../src/domain/outreach/customer-feedback.entity.js';
import { FollowUpTaskSchema } from '../../src/domain/todos/follow-up-task.entity.js';
import { bootApp, type TestApp } from '../support/app.js';
import { DIALECTS } from '../support/database.js';
import { FakeOpenAi } from '../support/fake-openai.js';
import { DAY, HOUR, addCustomer, capturingLogger } from './outreach-fixtures.js';
import { gate, waitFor } from '../support/wait-for.js';

const FEEDBACK = '/api/ai-ops/outreach/feedback';

describe.each(DIALECTS)('feedback with the lexicon analyser on %s', (dialect) => {
  let t: TestApp;
  let owner: { id: number; token: string };
  let duty: { id: number; token: string };
  let log: ReturnType<typeof capturingLogger>;

  beforeAll(async () => {
    log = capturingLogger();
    t = await bootApp(dialect, {}, { logger: log.logger });
    owner = await t.staffWithToken('sales');
    duty = await t.staffWithToken('duty');
  });
  afterAll(async () => t?.close());

  const tasksFor = (customerId: string) => t.app.orm.em.fork().find(FollowUpTaskSchema, { customer: customerId });

  it('records positive feedback with the seed example scores and tags, and no task', async () => {
    const c = await addCustomer(t.app.orm.em.fork(), { ownerStaff: owner.id });
    const res = await t.call('POST', FEEDBACK, { token: duty.token, json: { customerId: c.id, contactId: 'CONTACT_001', type: 'satisfaction', rating: 5, content: '服务很好，环境不错' } });
    expect(res.status).toBe(201);
    const d = res.body.data;
    expect(d).toMatchObject({ customerId: c.id, contactId: 'CONTACT_001', rating: 5, sentimentLabel: 'positive', sentimentSource: 'lexicon', tags: ['服务', '环境'], followUpRequired: false, followUpTask: null });
    expect(d.sentiment.positive + d.sentiment.negative + d.sentiment.neutral).toBeCloseTo(1, 10);
    expect(d.sentiment.positive).toBeGreaterThan(0.7);
    const row = await t.app.orm.em.fork().findOneOrFail(CustomerFeedbackSchema, { id: d.id });
    expect(row).toMatchObject({ contactId: 'CONTACT_001', type: 'satisfaction', followUpRequired: false, tags: ['服务', '环境'] });
    expect(row.sentiment).toEqual(d.sentiment);
    expect(await tasksFor(c.id)).toHaveLength(0);
  });

  it('turns negative feedback into a high-priority follow-up task for the owner', async () => {
    const c = await addCustomer(t.app.orm.em.fork(), { ownerStaff: owner.id });
    const res = await t.call('POST', FEEDBACK, { token: duty.token, json: { customerId: c.id, contactId: 'CONTACT_002', type: 'satisfaction', rating: 3, content: '服务很好但是太贵了，啤酒也不新鲜' } });
    const after = Date.now();
    const d = res.body.data;
    expect(d).toMatchObject({ sentimentLabel: 'negative', followUpRequired: true, followUpTask: { priority: 'high', assignedTo: owner.id } });
    expect(d.tags).toEqual(['服务', '价格', '食品酒水']);
    const [task] = await tasksFor(c.id);
    expect(task).toMatchObject({ priority: 'high', assignedTo: owner.id, source: 'feedback', relatedRecordId: `feedback:${d.id}`, status: 'pending' });
    // Due within 48 h of the feedback, recorded between our request and its answer (MySQL rounds to the second).
    expect(task!.dueAt!.getTime()).toBeLessThanOrEqual(after + 48 * HOUR + 1000);
    const row = await t.app.orm.em.fork().findOneOrFail(CustomerFeedbackSchema, { id: d.id });
    expect(row.followUpRequired).toBe(true);
  });

  it('turns a complaint into an urgent task due within 24 h and notifies the owner', async () => {
    const c = await addCustomer(t.app.orm.em.fork(), { name: '赵强', ownerStaff: owner.id, phone: '+8613912345678', phoneLast8: '12345678' });
    const before = Date.now();
    const res = await t.call('POST', FEEDBACK, { token: duty.token, json: { customerId: c.id, contactId: 'CONTACT_003', type: 'complaint', rating: 1, content: '音响一直有杂音，服务员态度很差' } });
    const after = Date.now();
    expect(res.status).toBe(201);
    const d = res.body.data;
    expect(d).toMatchObject({ type: 'complaint', followUpRequired: true, notified: true, followUpTask: { priority: 'urgent', assignedTo: owner.id } });
    const dueAt = new Date(d.followUpTask.dueAt).getTime();
    expect(dueAt).toBeGreaterThan(before);
    expect(dueAt).toBeLessThanOrEqual(after + DAY + 1000);
    const [task] = await tasksFor(c.id);
    expect(task).toMatchObject({ id: d.followUpTask.id, priority: 'urgent', reason: 'complaint' });
    // The notification leaves through the outbox (a job), a moment after the answer.
    const findNote = () => log.lines().find((l) => l.component === 'log-notifier' && l.notification?.todoId === d.followUpTask.id);
    const note = await waitFor(findNote, 'the owner notification');
    expect(note).toMatchObject({ staffId: owner.id, notification: { kind: 'todo' } });
    expect(note.notification.title).toContain('赵强');
    expect(JSON.stringify(note)).not.toContain('13912345678');
    expect(JSON.stringify(note)).toContain('139****5678');
  });

  it('still creates the task for a customer without an owner, unassigned and without a notification', async () => {
    const c = await addCustomer(t.app.orm.em.fork());
    const d = (await t.call('POST', FEEDBACK, { token: duty.token, json: { customerId: c.id, contactId: 'C4', type: 'complaint', content: '等了很久没人理' } })).body.data;
    expect(d).toMatchObject({ followUpRequired: true, notified: false, followUpTask: { priority: 'urgent', assignedTo: null } });
  });

  it('follows up a rating of 1-2 even when the words are neutral', async () => {
    const c = await addCustomer(t.app.orm.em.fork(), { ownerStaff: owner.id });
    const d = (await t.call('POST', FEEDBACK, { token: duty.token, json: { customerId: c.id, contactId: 'C5', type: 'satisfaction', rating: 2, content: '这次是朋友请客' } })).body.data;
    expect(d).toMatchObject({ sentimentLabel: 'neutral', followUpRequired: true, followUpTask: { priority: 'high', assignedTo: owner.id } });
  });

  it('answers 404 for an unknown customer and 422 for a bad body', async () => {
    const missing = await t.call('POST', FEEDBACK, { token: duty.token, json: { customerId: 'CUST_NOPE', contactId: 'C', type: 'inquiry', content: '你好' } });
    expect(missing.status).toBe(404);
    expect(missing.body.error).toBe('CUSTOMER_NOT_FOUND');
    const bad = await t.call('POST', FEEDBACK, { token: duty.token, json: { customerId: 'X', contactId: 'C', type: 'praise', rating: 9, content: '' } });
    expect(bad.status).toBe(422);
    expect(bad.body.details.fields.map((f: { field: string }) => f.field).sort()).toEqual(['content', 'rating', 'type']);
  });
});

describe.each(DIALECTS)('feedback with a model on %s', (dialect) => {
  const fake = new FakeOpenAi();
  let t: TestApp;
  let staff: { id: number; token: string };

  beforeAll(async () => {
    await fake.start();
    // 5 s: long enough that a 503 or an over-long answer is never taken for a timeout on a loaded box; the
    // timeout case holds the model's answer until ours is in, so it waits these 5 s and no more.
    t = await bootApp(dialect, { OPENAI_BASE_URL: fake.baseUrl, OPENAI_API_KEY: 'x', OPENAI_TIMEOUT_MS: '5000' });
    staff = await t.staffWithToken('sales');
  });
  afterAll(async () => {
    await t?.close();
    await fake.stop();
  });

  it('uses the model scores when its JSON is valid', async () => {
    fake.onChat = () => '{"positive": 0.1, "negative": 0.7, "neutral": 0.2}';
    const c = await addCustomer(t.app.orm.em.fork(), { ownerStaff: staff.id });
    const d = (await t.call('POST', FEEDBACK, { token: staff.token, json: { customerId: c.id, contactId: 'C', type: 'satisfaction', content: '还行吧' } })).body.data;
    expect(d).toMatchObject({ sentimentSource: 'model', sentiment: { positive: 0.1, negative: 0.7, neutral: 0.2 }, sentimentLabel: 'negative', followUpRequired: true });
    expect(fake.chats.at(-1)!.response_format).toEqual({ type: 'json_object' });
  });

  it('falls back to the lexicon on invalid JSON, bad scores or a timeout', async () => {
    const c = await addCustomer(t.app.orm.em.fork(), { ownerStaff: staff.id });
    // The last answer is valid but held until ours is in: only the configured timeout can end that wait.
    const late = gate();
    const valid = '{"positive": 0.1, "negative": 0.8, "neutral": 0.1}';
    for (const reply of ['好评', '{"positive": 0.9, "negative": 0.9, "neutral": 0.9}', '{"positive": "high"}', { hold: late.passed, content: valid }]) {
      fake.onChat = () => reply;
      const d = (await t.call('POST', FEEDBACK, { token: staff.token, json: { customerId: c.id, contactId: 'C', type: 'satisfaction', content: '服务很好，环境不错' } })).body.data;
      expect(d).toMatchObject({ sentimentSource: 'lexicon', sentimentLabel: 'positive', followUpRequired: false });
    }
    late.open();
  });
});
