import { existsSync, mkdirSync } from 'node:fs';
import { randomUUID } from 'node:crypto';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bootApp, type TestApp } from '../support/app.js';
import { FakeEventSocket, switchEnv } from '../telephony/support/fake-switch.js';
import { READY_MS } from '../support/wait-for.js';
import { CustomerSchema } from '../../src/domain/customers/customer.entity.js';
import { EventSchema } from '../../src/domain/events/event.entity.js';
import { DutyScheduleSchema } from '../../src/domain/routing/duty-schedule.entity.js';

/** Debian's chromium package (.ci/run installs it); CHROMIUM_PATH points elsewhere. */
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const hasBrowser = existsSync(CHROMIUM);
if (!hasBrowser) console.warn(`[board-browser] skipped: no Chromium at ${CHROMIUM} (apt-get install -y chromium, or set CHROMIUM_PATH); .ci/run installs it`);

/** Screenshots a reviewer can look at (gitignored). */
const ARTIFACTS = 'test-artifacts';

describe.skipIf(!hasBrowser)('the live board in headless Chromium (MariaDB, fake switch)', () => {
  let fs: FakeEventSocket;
  let t: TestApp;
  let browser: Browser;
  let page: Page;
  let manager: { id: number; token: string };
  let sales: { id: number; token: string };
  const invitations: string[] = [];
  const sql = (query: string, params: unknown[] = []) => t.app.orm.em.fork().getConnection().execute<Record<string, unknown>[]>(query, params);

  beforeAll(async () => {
    fs = await new FakeEventSocket().start();
    t = await bootApp('mysql', {
      JOBS_ENABLED: 'false',
      ...switchEnv(fs),
    });
    await t.app.telephony!.events.ready(READY_MS);
    manager = await t.staffWithToken('manager', { name: '李经理' });
    sales = await t.staffWithToken('sales', { name: '王小明', mobile: '13911112222' });
    expect((await t.call('POST', '/api/sales/status', { token: sales.token, json: { status: 'in_office' } })).status).toBe(200);
    const em = t.app.orm.em.fork();
    em.create(EventSchema, { id: 'EVENT_BOARD', name: '周年庆典', eventDate: new Date(Date.now() + 7 * 86_400_000) });
    for (const [id, mobile] of [['CUST_B1', '13900002001'], ['CUST_B2', '13900002002']] as const) {
      em.create(CustomerSchema, { id, name: `客户${id.slice(-1)}`, level: 'normal', segment: 'regular', tags: [], phone: `+86${mobile}`, phoneLast8: mobile.slice(-8) });
    }
    // The caller is 王小明's customer: in working hours the owner is rung first. At night, on Sundays and on
    // holidays the seed's rules ring the duty person instead: 王小明 is on the duty roster around the clock,
    // so he is rung whatever the hour the suite runs at.
    em.create(CustomerSchema, { id: 'CUST_CALLER', name: '张总', level: 'vip', segment: 'VIP', tags: [], phone: '+8613800138000', phoneLast8: '00138000', ownerStaff: sales.id });
    em.create(DutyScheduleSchema, { staff: sales.id, days: ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun', 'holiday'], startTime: '00:00', endTime: '24:00' });
    await em.flush();
    for (const customerId of ['CUST_B1', 'CUST_B2']) {
      const res = await t.call('POST', '/api/ai-ops/outreach/invitation', { token: sales.token, json: { customerId, eventId: 'EVENT_BOARD' } });
      expect(res.status).toBe(201);
      invitations.push(res.body.data.id);
    }
    browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ['--no-sandbox', '--disable-dev-shm-usage'] });
    const context = await browser.newContext({ viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, locale: 'zh-CN', timezoneId: 'Asia/Shanghai', isMobile: true, hasTouch: true });
    page = await context.newPage();
    mkdirSync(ARTIFACTS, { recursive: true });
  });
  afterAll(async () => {
    await browser?.close();
    await t?.close();
    await fs?.stop();
  });

  it('logs in with a staff token, shows who is in, sees a call appear as the switch rings and go when the caller hangs up', async () => {
    const requested: string[] = [];
    page.on('request', (r) => requested.push(r.url()));
    await page.goto(`${t.app.url}/board/`);
    await page.waitForSelector('form.login');
    await page.fill('#token', manager.token);
    await page.click('form.login button[type=submit]');
    await page.waitForSelector('#live[data-state="on"]');
    const row = page.locator(`#staff li[data-staff-id="${sales.id}"]`);
    await expect(row.textContent()).resolves.toContain('在办公室');
    await expect(page.locator('#today [data-figure="inbound"] b').textContent()).resolves.toBe('0');
    await expect(page.locator('#approvals li').count()).resolves.toBe(2);

    // Nobody picks up: the sales mobile rings (for as long as the test needs) until the caller gives up.
    fs.msPerRingSecond = 60_000;
    const uuid = randomUUID();
    const channel = await fs.inbound(t.app.telephony!.socketPort()!, uuid, { 'Caller-Caller-ID-Number': encodeURIComponent('+8613800138000'), 'Caller-Destination-Number': '4008320160' });
    const selector = `#calls li[data-call-uuid="${uuid}"]`;
    const call = await page.waitForSelector(selector);
    const text = (await call.textContent()) ?? '';
    expect(text).toContain('振铃中');
    expect(text).toContain('138****8000');
    expect(text).toContain('呼叫：王小明');
    expect(text).toContain('张总');
    expect(await page.content()).not.toContain('13800138000');
    await page.screenshot({ path: `${ARTIFACTS}/board-ringing.png`, fullPage: true });

    // The caller hangs up: the switch reports CHANNEL_HANGUP_COMPLETE, the call leaves the board and counts as missed.
    await channel.waitFor('bridge');
    channel.hangup();
    await page.waitForSelector(selector, { state: 'detached' });
    await page.locator('#today [data-figure="missed"] b', { hasText: /^1$/ }).waitFor();
    await expect(page.locator('#today [data-figure="inbound"] b').textContent()).resolves.toBe('1');
    await expect(page.locator('#calls p.empty').count()).resolves.toBe(1);
    await page.screenshot({ path: `${ARTIFACTS}/board-call-ended.png`, fullPage: true });

    // The staff token never went into a URL (the event stream rides on the session cookie).
    expect(requested.some((u) => u.includes('/board/events'))).toBe(true);
    expect(requested.filter((u) => u.includes(manager.token))).toEqual([]);
  });

  it('approves and rejects from the page through the approval service, and the database shows the decisions', async () => {
    const [approveId, rejectId] = invitations as [string, string];
    await page.click(`#approvals li[data-approval="invitation:${approveId}"] button.approve`);
    await page.waitForSelector(`#approvals li[data-approval="invitation:${approveId}"]`, { state: 'detached' });
    await page.waitForSelector('.toast.ok');

    const other = `#approvals li[data-approval="invitation:${rejectId}"]`;
    await page.click(`${other} button.reject`);
    await page.click(`${other} button.confirm-reject`);
    await page.waitForSelector('.toast.error'); // a rejection needs a reason
    await page.fill(`${other} textarea.reason`, '活动名额已满');
    await page.click(`${other} button.confirm-reject`);
    await page.waitForSelector(other, { state: 'detached' });
    await page.waitForSelector('#approvals p.empty');
    await page.screenshot({ path: `${ARTIFACTS}/board-decided.png`, fullPage: true });

    const rows = await sql('select id, status, approved_by from invitations where id in (?, ?) order by id', [approveId, rejectId]);
    const byId = new Map(rows.map((r) => [String(r.id), r]));
    expect(byId.get(approveId)).toMatchObject({ status: 'approved' });
    expect(Number(byId.get(approveId)!.approved_by)).toBe(manager.id);
    expect(byId.get(rejectId)).toMatchObject({ status: 'rejected' });
    const audit = await sql(`select action, channel from audit_log where actor_staff_id = ? and target_id in (?, ?) order by id`, [manager.id, approveId, rejectId]);
    expect(audit.map((a) => a.channel)).toEqual(['api', 'api']);
  });
});
