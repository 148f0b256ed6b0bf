import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { start, type RunningApp } from '../../src/main.js';
import { NOTIFY_STAFF_JOB } from '../../src/domain/chat/notification-outbox.js';
import { CustomerSchema } from '../../src/domain/customers/customer.entity.js';
import { EventSchema } from '../../src/domain/events/event.entity.js';
import { createStaff } from '../../src/domain/staff/staff.service.js';
import { StaffTokens } from '../../src/miniapp-api/auth/staff-token.js';
import { createTestDatabase, DIALECTS, type TestDatabase } from '../support/database.js';
import { startFakeWecom, type FakeWecom } from '../support/fake-wecom.js';
import { SAMPLE } from './wecom-samples.js';
import { waitFor } from './seed.js';

/**
 * Notifications go through a durable outbox (the job store): a request that notifies never waits for
 * WeCom or its per-member pacer, and a notification accepted survives a restart.
 */
describe.each(DIALECTS)('notification outbox (%s)', (dialect) => {
  let db: TestDatabase;
  let wecom: FakeWecom;
  let dataDir: string;
  const running: RunningApp[] = [];
  const boot = async (extra: Record<string, string>) => {
    const app = await start({
      NODE_ENV: 'test', PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'silent', DATA_DIR: dataDir, DATABASE_URL: db.url, JOBS_PROCESS_EVERY_MS: '100',
      WECOM_CORP_ID: SAMPLE.corpId, WECOM_AGENT_ID: '1000002', WECOM_SECRET: wecom.secret, WECOM_TOKEN: SAMPLE.token, WECOM_ENCODING_AES_KEY: SAMPLE.encodingAesKey, WECOM_API_BASE: wecom.url,
      MARKETING_HOURS: '00:00-24:00',
      ...extra,
    });
    running.push(app);
    return app;
  };
  const stop = async (app: RunningApp) => {
    running.splice(running.indexOf(app), 1);
    await app.stop();
  };
  let ids: { sales: number; manager: number };
  const token = (app: RunningApp, staffId: number, role: 'sales' | 'manager') => new StaffTokens(app.config.auth.appSecret, 3600).issue({ staffId, role }).then((t) => t.token);
  const invite = async (app: RunningApp, customerId: string) =>
    fetch(`${app.url}/api/ai-ops/outreach/invitation`, {
      method: 'POST',
      headers: { authorization: `Bearer ${await token(app, ids.sales, 'sales')}`, 'content-type': 'application/json' },
      body: JSON.stringify({ customerId, eventId: 'EVENT_O1' }),
    });
  const cardsTo = (user: string) => wecom.sent.filter((m) => m.touser === user && m.msgtype === 'template_card');

  beforeAll(async () => {
    db = await createTestDatabase(dialect);
    dataDir = mkdtempSync(join(tmpdir(), 'outbox-'));
    wecom = await startFakeWecom({ corpId: SAMPLE.corpId });
  });
  afterAll(async () => {
    for (const app of running) await app.stop();
    await wecom?.close();
    await db?.drop();
    rmSync(dataDir, { recursive: true, force: true });
  }, 120_000);

  const seed = async (app: RunningApp) => {
    const em = app.orm.em.fork();
    const audit = { actorStaffId: null, channel: 'system' as const };
    ids = {
      sales: (await createStaff(em, { name: '张三', role: 'sales', wecomUserId: 'zhangsan' }, audit)).id,
      manager: (await createStaff(em, { name: '李经理', role: 'manager', wecomUserId: 'lijingli' }, audit)).id,
    };
    em.create(EventSchema, { id: 'EVENT_O1', name: '周末狂欢夜', eventDate: new Date(Date.now() + 7 * 86_400_000) });
    for (const [id, mobile] of [['CUST_O1', '13900002001'], ['CUST_O2', '13900002002']] as const) {
      em.create(CustomerSchema, { id, name: `客户${id}`, level: 'normal', segment: 'regular', tags: [], phone: `+86${mobile}`, phoneLast8: mobile.slice(-8) });
    }
    await em.flush();
  };

  it('keeps a notification made while no job worker runs, and delivers it after a restart', async () => {
    // A web-only process (JOBS_ENABLED=false) accepts the request, then stops before anything is delivered.
    const web = await boot({ JOBS_ENABLED: 'false' });
    await seed(web);
    const res = await invite(web, 'CUST_O1');
    expect(res.status).toBe(201);
    expect(await web.jobQueue.isPending(NOTIFY_STAFF_JOB, { staffId: ids.manager })).toBe(true);
    await stop(web);
    expect(cardsTo('lijingli')).toHaveLength(0);

    // The worker allows one WeCom message per member and minute (the next test fills that budget).
    const worker = await boot({ WECOM_SENDS_PER_MEMBER_PER_MINUTE: '1' });
    const card = await waitFor(() => cardsTo('lijingli')[0], 'the approval card after the restart', 30_000);
    expect(JSON.stringify(card)).toContain('审批');
    await waitFor(async () => !(await worker.jobQueue.isPending(NOTIFY_STAFF_JOB, { staffId: ids.manager })), 'the outbox drained');
    expect(cardsTo('lijingli')).toHaveLength(1);
  }, 180_000);

  it('answers an invitation at once while the approver’s WeCom pacer is full; the card waits in the outbox', async () => {
    const [app] = running as [RunningApp];
    // A second approver whose budget for this minute (one message) is used up.
    const second = await createStaff(app.orm.em.fork(), { name: '王经理', role: 'manager', wecomUserId: 'wangjingli' }, { actorStaffId: null, channel: 'system' });
    expect(await app.chatOps.notifier.notifyStaff(second.id, { kind: 'text', title: '通知', text: '占满额度' })).toMatchObject({ ok: true, transport: 'wecom' });
    const before = wecom.sent.length;
    const res = await invite(app, 'CUST_O2');
    expect(res.status).toBe(201);
    // The answer came back while the card is still held by the pacer: the request did not wait for it.
    expect(wecom.sent.filter((m, i) => i >= before && m.touser === 'wangjingli')).toHaveLength(0);
    expect(await app.jobQueue.isPending(NOTIFY_STAFF_JOB, { staffId: second.id })).toBe(true);
  }, 180_000);
});
