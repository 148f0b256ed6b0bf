import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createChatNotifier } from '../../src/bot/notifier/chat-notifier.js';
import { connectOrm, type Orm } from '../../src/db/orm.js';
import { CustomerSchema } from '../../src/domain/customers/customer.entity.js';
import { EventSchema } from '../../src/domain/events/event.entity.js';
import { NotificationOutboxSchema } from '../../src/domain/notifications/notification-outbox.entity.js';
import { claimDue, outboxRow } from '../../src/domain/notifications/notification-outbox.queries.js';
import { deliverDueNotifications, type OutboxSettings } from '../../src/domain/notifications/outbox-delivery.service.js';
import type { Notifier } from '../../src/domain/ports/notifier.port.js';
import { createStaff } from '../../src/domain/staff/staff.service.js';
import { sendTodoReminders } from '../../src/domain/todos/todo-reminder.service.js';
import { createTodo } from '../../src/domain/todos/todo.service.js';
import { createWecomClient } from '../../src/gateways/wecom/wecom-client.js';
import { createLogNotifier } from '../../src/gateways/log-notifier.js';
import { start, type RunningApp } from '../../src/main.js';
import { StaffTokens } from '../../src/miniapp-api/auth/staff-token.js';
import { capturingLogger } from '../outreach/outreach-fixtures.js';
import { createMigratedDatabase, createMigratedOrm, DIALECTS, type Dialect, type TestDatabase } from '../support/database.js';
import { startFakeWecom, type FakeWecom } from '../support/fake-wecom.js';
import { startServer } from '../support/server-process.js';
import { waitFor } from '../support/wait-for.js';

const AES_KEY = 'jWmYm7qr5nMoAUwZRjGtBxmz3KA1tkAj3ykkR6q2B2C';
const METRICS_TOKEN = 'outbox-scrape-token-0123';
/** These tests start the app on their own database (twice on MariaDB): slow on a loaded machine, not stuck. */
const BOOTS_A_DATABASE = 180_000;

const wecomEnv = (wecom: FakeWecom) => ({
  WECOM_CORP_ID: wecom.corpId,
  WECOM_AGENT_ID: '1000002',
  WECOM_SECRET: wecom.secret,
  WECOM_TOKEN: 'outboxToken1',
  WECOM_ENCODING_AES_KEY: AES_KEY,
  WECOM_API_BASE: wecom.url,
});

/** The real app on a database that outlives it (a restart is a second start() on the same database). */
async function startOn(db: TestDatabase, dataDir: string, env: Record<string, string>): Promise<RunningApp> {
  return start({ NODE_ENV: 'test', PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'silent', DATA_DIR: dataDir, DATABASE_URL: db.url, JOBS_PROCESS_EVERY_MS: '100', ...env });
}

async function post(app: Pick<RunningApp, 'url'>, token: string, path: string, json: unknown) {
  const res = await fetch(`${app.url}${path}`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: JSON.stringify(json) });
  return { status: res.status, body: (await res.json()) as any };
}

async function outboxRows(app: RunningApp) {
  return app.orm.em.fork().find(NotificationOutboxSchema, {}, { orderBy: { id: 'asc' } });
}

/** A customer, an event next week, a submitting sales person and a manager on WeCom (the approver). */
async function seed(app: RunningApp, suffix: string) {
  const em = app.orm.em.fork();
  em.create(CustomerSchema, { id: `CUST_${suffix}`, name: '张先生', level: 'normal', segment: 'regular', tags: [], companyName: '宁波某公司', phone: '+8613900002001', phoneLast8: '00002001' });
  em.create(EventSchema, { id: `EVENT_${suffix}`, name: '周末品鉴会', eventDate: new Date(Date.now() + 7 * 86_400_000) });
  await em.flush();
  const tokens = new StaffTokens(app.config.auth.appSecret, app.config.auth.tokenTtlSeconds);
  const sales = await createStaff(app.orm.em.fork(), { name: `销售${suffix}`, role: 'sales' }, { actorStaffId: null, channel: 'system' });
  const manager = await createStaff(app.orm.em.fork(), { name: `经理${suffix}`, role: 'manager', wecomUserId: `mgr-${suffix}` }, { actorStaffId: null, channel: 'system' });
  return { sales: (await tokens.issue({ staffId: sales.id, role: 'sales' })).token, managerWecomId: `mgr-${suffix}`, customerId: `CUST_${suffix}`, eventId: `EVENT_${suffix}`, managerId: manager.id };
}

describe.each(DIALECTS)('notification outbox in the running app (%s)', (dialect) => {
  let wecom: FakeWecom;
  let db: TestDatabase;
  let dataDir: string;
  const apps: RunningApp[] = [];
  beforeAll(async () => {
    wecom = await startFakeWecom();
  });
  afterEach(async () => {
    wecom.releaseSends();
    while (apps.length > 0) await apps.pop()!.stop();
    await db?.drop();
    rmSync(dataDir, { recursive: true, force: true });
  });
  afterAll(async () => {
    await wecom.close();
  });
  const boot = async (env: Record<string, string> = {}) => {
    const app = await startOn(db, dataDir, { ...wecomEnv(wecom), ...env });
    apps.push(app);
    return app;
  };
  const fresh = async () => {
    db = await createMigratedDatabase(dialect);
    dataDir = mkdtempSync(join(tmpdir(), 'outbox-'));
  };

  it('POST …/invitation answers while WeCom still holds the approval card; the card arrives once released, once', async () => {
    await fresh();
    const app = await boot();
    const s = await seed(app, 'A1');
    wecom.holdSends();
    const res = await post(app, s.sales, '/api/ai-ops/outreach/invitation', { customerId: s.customerId, eventId: s.eventId });
    // The answer came while WeCom has acknowledged nothing for the manager: the request did not wait for it.
    expect(res.status).toBe(201);
    expect(wecom.sent.filter((m) => m.touser === s.managerWecomId)).toHaveLength(0);
    const [queued] = await outboxRows(app);
    expect(queued).toMatchObject({ staffId: s.managerId, kind: 'approval', payload: { subjectId: res.body.data.id } });
    wecom.releaseSends();
    await waitFor(() => wecom.sent.some((m) => m.touser === s.managerWecomId), 'the approval card at WeCom');
    const settled = await waitFor(async () => (await outboxRows(app)).find((r) => r.status === 'sent'), 'the outbox row marked sent');
    expect(settled).toMatchObject({ transport: 'wecom', attempts: 1 });
    const cards = wecom.sent.filter((m) => m.touser === s.managerWecomId);
    expect(cards).toHaveLength(1);
    expect(cards[0]!.template_card.button_list.map((b: { key: string }) => b.key)).toEqual([`approve:invitation:${res.body.data.id}`, `reject:invitation:${res.body.data.id}`]);
  }, BOOTS_A_DATABASE);

  it('a notification held by a process killed before it reached WeCom is sent after the restart, exactly once; /metrics shows the depth', async () => {
    await fresh();
    const seeded = await boot();
    const s = await seed(seeded, 'B1');
    await apps.pop()!.stop();
    // The first process (the real entry point in a child) takes the card and hangs at WeCom's token endpoint; then it is killed.
    wecom.tokenDelayMs = 600_000;
    const tokensBefore = wecom.gettokenCalls;
    const env = { ...wecomEnv(wecom), DATABASE_URL: db.url, DATA_DIR: dataDir, PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'info', JOBS_PROCESS_EVERY_MS: '100', METRICS_TOKEN, NOTIFY_OUTBOX_POLL_SECONDS: '1', NOTIFY_OUTBOX_LEASE_SECONDS: '1' };
    const first = startServer(env);
    try {
      const url = await first.listening;
      const queued = await post({ url }, s.sales, '/api/ai-ops/outreach/invitation', { customerId: s.customerId, eventId: s.eventId });
      expect(queued.status, JSON.stringify(queued.body)).toBe(201);
      await waitFor(() => wecom.gettokenCalls > tokensBefore, 'the first process on its way to WeCom', 60_000);
      const scrape = await (await fetch(`${url}/metrics`, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } })).text();
      expect(scrape).toMatch(/^salesops_outbox_depth 1$/m);
    } finally {
      first.child.kill('SIGKILL');
      await first.exited;
    }
    expect(wecom.received.filter((m) => m.touser === s.managerWecomId)).toHaveLength(0);
    wecom.tokenDelayMs = 0;

    const second = await boot({ METRICS_TOKEN, NOTIFY_OUTBOX_POLL_SECONDS: '1', NOTIFY_OUTBOX_LEASE_SECONDS: '1' });
    const sent = await waitFor(async () => (await outboxRows(second)).find((r) => r.status === 'sent'), 'the card delivered after the restart', 60_000);
    expect(sent.staffId).toBe(s.managerId);
    expect(sent.attempts).toBeGreaterThanOrEqual(2);
    expect(wecom.sent.filter((m) => m.touser === s.managerWecomId)).toHaveLength(1);
    const after = await (await fetch(`${second.url}/metrics`, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } })).text();
    expect(after).toMatch(/^salesops_outbox_depth 0$/m);
  }, BOOTS_A_DATABASE);
});

const SETTINGS: OutboxSettings = { maxAttempts: 3, retryBaseMs: 30_000, retryMaxMs: 600_000, leaseMs: 120_000, batchSize: 10 };

/** The real chat notifier over the real WeCom client, pointed at the fake (what the job sends through). */
function chatSender(orm: Orm, wecom: FakeWecom): Notifier {
  const client = createWecomClient({ baseUrl: wecom.url, corpId: wecom.corpId, secret: wecom.secret, agentId: 1000002 });
  const logs = capturingLogger();
  return createChatNotifier({ orm, log: logs.logger, wecom: client, fallback: createLogNotifier(logs.logger) });
}

describe.each(DIALECTS)('outbox delivery: retries, failures, leases (%s)', (dialect) => {
  let wecom: FakeWecom;
  let handle: Awaited<ReturnType<typeof createMigratedOrm>>;
  let staffId: number;
  beforeAll(async () => {
    wecom = await startFakeWecom();
    handle = await createMigratedOrm(dialect);
    staffId = (await createStaff(handle.orm.em.fork(), { name: '值班经理', role: 'manager', wecomUserId: 'duty-1' }, { actorStaffId: null, channel: 'system' })).id;
  });
  afterAll(async () => {
    await handle?.close();
    await wecom?.close();
  });
  const queue = async (text: string, at: Date) => {
    const em = handle.orm.em.fork();
    const row = em.create(NotificationOutboxSchema, outboxRow(staffId, { kind: 'text', title: '通知', text }, at));
    await em.flush();
    return row.id;
  };
  const row = (id: number) => handle.orm.em.fork().findOneOrFail(NotificationOutboxSchema, { id });
  const deliver = (now: Date) => deliverDueNotifications({ fork: () => handle.orm.em.fork(), sender: chatSender(handle.orm, wecom), settings: SETTINGS, now: () => now });

  it('WeCom busy (-1): retried after the backoff, then sent; nothing is sent before it is due', async () => {
    const t0 = new Date('2026-06-01T02:00:00Z');
    const id = await queue('忙时重试', t0);
    wecom.failNextWith(-1);
    expect(await deliver(t0)).toMatchObject({ sent: 0, retried: 1 });
    expect(await row(id)).toMatchObject({ status: 'pending', attempts: 1, lastError: expect.stringContaining('-1'), nextAttemptAt: new Date(t0.getTime() + 30_000) });
    expect(await deliver(new Date(t0.getTime() + 29_000))).toMatchObject({ sent: 0, retried: 0 });
    expect(await deliver(new Date(t0.getTime() + 31_000))).toMatchObject({ sent: 1 });
    expect(await row(id)).toMatchObject({ status: 'sent', attempts: 2, transport: 'wecom' });
    expect(wecom.sent.filter((m) => m.text?.content.includes('忙时重试'))).toHaveLength(1);
  });

  it('a permanent WeCom error fails at once with the reason; a retryable one fails after the last attempt', async () => {
    const t0 = new Date('2026-06-01T03:00:00Z');
    const bad = await queue('参数错误', t0);
    wecom.failNextWith(40035);
    expect(await deliver(t0)).toMatchObject({ failed: 1 });
    expect(await row(bad)).toMatchObject({ status: 'failed', attempts: 1, lastError: expect.stringContaining('40035') });

    const busy = await queue('一直忙', t0);
    let now = t0;
    for (let attempt = 1; attempt <= SETTINGS.maxAttempts; attempt++) {
      wecom.failNextWith(45009);
      await deliver(now);
      now = new Date(now.getTime() + SETTINGS.retryMaxMs);
    }
    expect(await row(busy)).toMatchObject({ status: 'failed', attempts: 3, lastError: expect.stringMatching(/gave up after 3 attempts.*45009/) });
    expect(wecom.sent.filter((m) => m.text?.content.includes('一直忙'))).toHaveLength(0);
  });

  it('a row held by a process that died is taken again once its lease expires, not before', async () => {
    const t0 = new Date('2026-06-01T04:00:00Z');
    const id = await queue('进程中断', t0);
    const [held] = await claimDue(handle.orm.em.fork(), { limit: 10, leaseMs: SETTINGS.leaseMs, now: t0 });
    expect(held?.id).toBe(id);
    expect(await deliver(new Date(t0.getTime() + SETTINGS.leaseMs - 1000))).toMatchObject({ sent: 0 });
    expect(await deliver(new Date(t0.getTime() + SETTINGS.leaseMs + 1000))).toMatchObject({ sent: 1 });
    expect(await row(id)).toMatchObject({ status: 'sent', attempts: 2 });
    expect(wecom.sent.filter((m) => m.text?.content.includes('进程中断'))).toHaveLength(1);
  });

  it('a transport that sends at once: todo reminders go out after the commit, and one WeCom refused is counted failed', async () => {
    const em = handle.orm.em.fork();
    const due = new Date(Date.now() + 10 * 60_000);
    createTodo(em, { title: `即时提醒甲 ${dialect}`, assignedTo: staffId, source: 'manual', dueAt: due, dueDate: '2026-06-01' });
    createTodo(em, { title: `即时提醒乙 ${dialect}`, assignedTo: staffId, source: 'manual', dueAt: new Date(due.getTime() + 60_000), dueDate: '2026-06-01' });
    await em.flush();
    const before = wecom.sent.length;
    wecom.failNextWith(40035);
    expect(await sendTodoReminders(handle.orm.em.fork(), { notifier: chatSender(handle.orm, wecom), timeZone: 'Asia/Shanghai' })).toEqual({ reminded: 1, failed: 1 });
    const cards = wecom.sent.slice(before).filter((m) => m.msgtype === 'template_card');
    expect(cards).toHaveLength(1);
    expect(JSON.stringify(cards[0]!.template_card)).toContain(`即时提醒乙 ${dialect}`);
  });
});

describe('concurrent deliverers on MariaDB (separate connection pools)', () => {
  let wecom: FakeWecom;
  let handle: Awaited<ReturnType<typeof createMigratedOrm>>;
  let second: Orm;
  beforeAll(async () => {
    wecom = await startFakeWecom();
    handle = await createMigratedOrm('mysql' satisfies Dialect);
    second = await connectOrm(handle.db.target);
  });
  afterAll(async () => {
    await second?.close(true);
    await handle?.close();
    await wecom?.close();
  });

  it('four deliverers on two pools claiming at once send each of 120 notifications exactly once', async () => {
    const now = new Date();
    const em = handle.orm.em.fork();
    const staff = [];
    for (let i = 0; i < 6; i++) staff.push(await createStaff(handle.orm.em.fork(), { name: `员工${i}`, role: 'sales', wecomUserId: `u-${i}` }, { actorStaffId: null, channel: 'system' }));
    for (let n = 0; n < 120; n++) em.create(NotificationOutboxSchema, outboxRow(staff[n % 6]!.id, { kind: 'text', title: '并发', text: `消息 #${n}` }, now));
    await em.flush();
    const settings = { ...SETTINGS, batchSize: 7 };
    const run = (orm: Orm) => deliverDueNotifications({ fork: () => orm.em.fork(), sender: chatSender(orm, wecom), settings });
    const reports = await Promise.all([run(handle.orm), run(second), run(handle.orm), run(second)]);
    expect(reports.reduce((n, r) => n + r.sent, 0)).toBe(120);
    expect(reports.every((r) => r.lost === 0)).toBe(true);
    const texts = wecom.sent.map((m) => m.text?.content ?? '').filter((t) => t.includes('消息 #'));
    expect(texts).toHaveLength(120);
    expect(new Set(texts).size).toBe(120);
    expect(await handle.orm.em.fork().count(NotificationOutboxSchema, { status: { $ne: 'sent' } })).toBe(0);
  });
});
