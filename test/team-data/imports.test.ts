import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import iconv from 'iconv-lite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkCompliance } from '../../src/domain/compliance/compliance.service.js';
import { CustomerContactSchema } from '../../src/domain/customers/customer-contact.entity.js';
import { CustomerSchema } from '../../src/domain/customers/customer.entity.js';
import { EventSchema } from '../../src/domain/events/event.entity.js';
import { MemberVisitSchema } from '../../src/domain/members/member-visit.entity.js';
import { MemberSchema } from '../../src/domain/members/member.entity.js';
import { StaffSchema } from '../../src/domain/staff/staff.entity.js';
import { bootApp, type TestApp } from '../support/app.js';
import { DIALECTS } from '../support/database.js';
import { waitFor } from '../support/wait-for.js';

const SETTINGS = { timeZone: 'Asia/Shanghai', window: { start: '08:00', end: '20:00' } };
const IN_WINDOW = new Date('2026-11-24T02:00:00Z');

/** n rows where every tenth (i % 10 === 9) is bad in a way the kind must reject. */
const rowsOf = <T>(n: number, good: (i: number) => T, bad: (i: number) => T) => Array.from({ length: n }, (_, i) => (i % 10 === 9 ? bad(i) : good(i)));
const csv = (rows: unknown[][]) => rows.map((r) => r.map((c) => (/[",\n]/.test(String(c)) ? `"${String(c).replace(/"/g, '""')}"` : String(c))).join(',')).join('\r\n') + '\r\n';
const mobile = (i: number) => `139${String(i).padStart(8, '0')}`;

describe.each(DIALECTS)('bulk import (%s)', (dialect) => {
  let t: TestApp;
  let manager: { id: number; token: string };
  let sales: { id: number; token: string };
  let dir: string;

  beforeAll(async () => {
    t = await bootApp(dialect);
    manager = await t.staffWithToken('manager', { name: '王经理', mobile: '13700000001' });
    sales = await t.staffWithToken('sales', { name: '李销售', mobile: '13700000002' });
    dir = mkdtempSync(join(tmpdir(), 'import-test-'));
  });
  afterAll(async () => {
    await t?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const upload = async (kind: string, name: string, content: Buffer | string, token = manager.token, extra: Record<string, string> = {}) => {
    const form = new FormData();
    form.set('kind', kind);
    for (const [k, v] of Object.entries(extra)) form.set(k, v);
    form.set('file', new Blob([typeof content === 'string' ? Buffer.from(content, 'utf8') : content]), name);
    const res = await fetch(`${t.app.url}/api/imports`, { method: 'POST', headers: { authorization: `Bearer ${token}` }, body: form });
    return { status: res.status, body: (await res.json()) as any };
  };
  /** Waits for the import job to finish (the status the job writes), not for a fixed time. */
  const finished = (id: number) =>
    waitFor(async () => {
      const res = await t.call('GET', `/api/imports/${id}`, { token: manager.token });
      return (res.body.data.status === 'completed' || res.body.data.status === 'failed') && res.body.data;
    }, `import ${id} to finish`, 120_000);
  const imported = async (kind: string, name: string, content: Buffer | string) => {
    const res = await upload(kind, name, content);
    expect(res.status).toBe(202);
    expect(res.body.data).toMatchObject({ kind, status: 'queued' });
    return finished(res.body.data.id);
  };

  it('customers: a GBK CSV with Chinese headers, 10 % bad rows rejected with line, field, masked value and reason', async () => {
    const header = ['客户编号', '客户名称', '公司', '客户等级', '负责人', '联系人', '联系人手机', '生日', '标签', '备注栏'];
    const rows = rowsOf(
      50,
      (i) => [`C${i}`, `客户${i}`, `公司${i}`, i % 2 ? 'VIP' : '普通', i % 3 ? '李销售' : '13700000001', `联系人${i}`, i % 2 ? `+86 ${mobile(i)}` : `${mobile(i).slice(0, 3)}-${mobile(i).slice(3, 7)}-${mobile(i).slice(7)}`, '1990/3/1', '老客户、高价值', '—'],
      (i) => [`C${i}`, `客户${i}`, `公司${i}`, '钻石', '不存在的人', `联系人${i}`, '12345', '1990-02-30', '', ''],
    );
    const file = iconv.encode(csv([header, ...rows]), 'gbk');
    const job = await imported('customers', '客户.csv', file);
    expect(job).toMatchObject({ status: 'completed', encoding: 'gbk', processed: 50, created: 45, updated: 0, unchanged: 0, rejected: 5, progress: 100, ignoredColumns: ['备注栏'] });

    const em = t.app.orm.em.fork();
    expect(await em.findOneOrFail(CustomerSchema, { id: 'C1' })).toMatchObject({ name: '客户1', companyName: '公司1', level: 'vip', ownerStaff: sales.id, tags: ['老客户', '高价值'], birthday: '1990-03-01' });
    expect((await em.findOneOrFail(CustomerSchema, { id: 'C3' })).ownerStaff).toBe(manager.id);
    expect(await em.findOneOrFail(CustomerContactSchema, { customer: 'C2' })).toMatchObject({ name: '联系人2', mobile: `+86${mobile(2)}`, mobileLast8: mobile(2).slice(-8), isPrimary: true });
    expect(await em.count(CustomerSchema, { id: 'C9' })).toBe(0);

    const errors = await t.call('GET', `/api/imports/${job.id}/errors?size=100`, { token: manager.token });
    expect(errors.status).toBe(200);
    const line10 = errors.body.data.records.filter((e: { line: number }) => e.line === 11);
    expect(line10.map((e: { field: string }) => e.field).sort()).toEqual(['birthday', 'contactMobile', 'level']);
    // A bad number is masked digit by digit: 12345 could be part of someone's number.
    expect(line10.find((e: { field: string }) => e.field === 'contactMobile')).toMatchObject({ value: '*****' });
    expect(line10.find((e: { field: string }) => e.field === 'birthday').reason).toContain('生日');
    // Owner is checked once the row's cells parse: the bad owner of line 11 is not repeated above, but a row
    // with only a bad owner is rejected for it (below). Every reason is Chinese.
    for (const e of errors.body.data.records) expect(e.reason).toMatch(/[\u4e00-\u9fa5]/);

    const download = await t.call('GET', `/api/imports/${job.id}/errors.csv`, { token: manager.token });
    expect(download.headers.get('content-type')).toContain('text/csv');
    const lines = (download.body as string).replace(/^\uFEFF/, '').trim().split('\r\n');
    expect(lines[0]).toBe('行号,字段,值,原因');
    expect(lines.length).toBe(1 + errors.body.data.total);
    expect(download.body).not.toContain('12345');
    // The uploaded file is deleted once the import has ended.
    expect(readdirSync(join(t.app.config.dataDir, 'imports'))).toEqual([]);
  });

  it('a second import of the same file changes nothing', async () => {
    const header = ['customer_id', 'name', 'company', 'level', 'contact', 'mobile'];
    const rows = rowsOf(40, (i) => [`E${i}`, `Customer ${i}`, `Co ${i}`, 'normal', `Contact ${i}`, mobile(1000 + i)], (i) => [`E${i}`, '', `Co ${i}`, 'normal', '', 'not a phone']);
    const content = csv([header, ...rows]);
    const first = await imported('customers', 'customers.csv', content);
    expect(first).toMatchObject({ encoding: 'utf8', created: 36, rejected: 4 });
    const em = t.app.orm.em.fork();
    const before = (await em.find(CustomerSchema, { id: { $like: 'E%' } }, { orderBy: { id: 'asc' } })).map((c) => [c.id, c.updatedAt.getTime()]);
    const contactsBefore = await em.count(CustomerContactSchema, {});
    const second = await imported('customers', 'customers.csv', content);
    expect(second).toMatchObject({ created: 0, updated: 0, unchanged: 36, rejected: 4 });
    const after = (await t.app.orm.em.fork().find(CustomerSchema, { id: { $like: 'E%' } }, { orderBy: { id: 'asc' } })).map((c) => [c.id, c.updatedAt.getTime()]);
    expect(after).toEqual(before);
    expect(await t.app.orm.em.fork().count(CustomerContactSchema, {})).toBe(contactsBefore);

    // A changed cell updates just that customer.
    const changed = content.replace('Co 5,', 'Co 5 Ltd,');
    expect(await imported('customers', 'customers.csv', changed)).toMatchObject({ created: 0, updated: 1, unchanged: 35 });
  });

  it('rows without an id find their customer by number; a row with a blank name column is rejected', async () => {
    const content = csv([['姓名', '手机号码'], ['周先生', '13911110000'], ['', '13911110001']]);
    expect(await imported('customers', 'by-phone.csv', content)).toMatchObject({ created: 1, rejected: 1 });
    expect(await t.app.orm.em.fork().findOneOrFail(CustomerSchema, { id: 'CUST_13911110000' })).toMatchObject({ name: '周先生' });
    expect(await imported('customers', 'by-phone.csv', csv([['姓名', '手机号码'], ['周先生', '+86 139 1111 0000']]))).toMatchObject({ created: 0, unchanged: 1 });
  });

  it('members, visits and events from an XLSX, with 10 % bad rows each', async () => {
    const xlsx = async (header: string[], rows: unknown[][]) => {
      const wb = new ExcelJS.Workbook();
      const ws = wb.addWorksheet('Sheet1');
      ws.addRow(header);
      for (const r of rows) ws.addRow(r);
      return Buffer.from(await wb.xlsx.writeBuffer());
    };
    const members = await imported(
      'members',
      '会员.xlsx',
      await xlsx(['会员编号', '姓名', '手机号', '会员等级', '积分', '入会日期'], rowsOf(30, (i) => [`M${i}`, `会员${i}`, mobile(2000 + i), 'gold', 100 * i, new Date(Date.UTC(2025, 0, 1 + i))], (i) => [`M${i}`, `会员${i}`, '555', 'gold', 'lots', '32/13/2025'])),
    );
    expect(members).toMatchObject({ status: 'completed', created: 27, rejected: 3, format: 'xlsx' });
    // An Excel date is a wall-clock date: 2025-01-02 in Shanghai.
    expect((await t.app.orm.em.fork().findOneOrFail(MemberSchema, { id: 'M1' })).joinedAt.toISOString()).toBe('2025-01-01T16:00:00.000Z');

    const visits = await imported(
      'visits',
      'visits.xlsx',
      await xlsx(['member_id', 'visited_at', 'amount', 'categories'], rowsOf(30, (i) => [`M${i % 9}`, `2026-11-${String(1 + (i % 20)).padStart(2, '0')} 19:30`, '¥1,288.50', '酒水,小吃'], (i) => [`NOBODY${i}`, '2026-11-01 19:30', '12', ''])),
    );
    expect(visits).toMatchObject({ created: 27, rejected: 3 });
    expect(await t.app.orm.em.fork().findOneOrFail(MemberVisitSchema, { member: 'M1', visitedAt: new Date('2026-11-02T11:30:00Z') })).toMatchObject({ spendingFen: 128850, categories: ['酒水', '小吃'] });

    const events = await imported(
      'events',
      'events.xlsx',
      await xlsx(['活动编号', '活动名称', '活动时间', '地点'], rowsOf(20, (i) => [`EV${i}`, `活动${i}`, '2026年12月24日 20:00', '一楼大厅'], (i) => [`EV${i}`, `活动${i}`, '下周五', ''])),
    );
    expect(events).toMatchObject({ created: 18, rejected: 2 });
    expect((await t.app.orm.em.fork().findOneOrFail(EventSchema, { id: 'EV1' })).eventDate.toISOString()).toBe('2026-12-24T12:00:00.000Z');
  });

  it('consents by import reach the compliance check; a re-import adds nothing; blacklisted numbers stay blacklisted', async () => {
    const rows = rowsOf(20, (i) => [mobile(3000 + i), i === 0 ? '黑名单' : '同意', i % 2 ? '短信' : '全部', `表单 F-${i}`, '2026-11-01'], (i) => [mobile(3000 + i), '也许', '传真', '', '2026-13-01']);
    const content = csv([['手机号', '授权状态', '渠道', '凭证', '授权时间'], ...rows]);
    const first = await imported('consents', 'consents.csv', content);
    expect(first).toMatchObject({ created: 18, unchanged: 0, rejected: 2 });
    const verdict = async (phone: string, channel: 'sms' | 'call') =>
      (await checkCompliance(t.app.orm.em.fork(), { phones: [phone], channel, purpose: 'marketing', subjectType: 'test' }, SETTINGS, IN_WINDOW))[0]!.verdict;
    expect(await verdict(mobile(3001), 'sms')).toEqual({ kind: 'allow' });
    expect(await verdict(mobile(3001), 'call')).toEqual({ kind: 'refuse', reason: 'NO_CONSENT' });
    expect(await verdict(mobile(3002), 'call')).toEqual({ kind: 'allow' });
    expect(await verdict(mobile(3000), 'sms')).toEqual({ kind: 'refuse', reason: 'BLACKLISTED' });
    const history = (await t.call('GET', `/api/consents/${mobile(3002)}`, { token: manager.token })).body.data.history;
    expect(history).toHaveLength(4);
    expect(history[0]).toMatchObject({ source: 'import', evidence: '表单 F-2' });

    const second = await imported('consents', 'consents.csv', content);
    expect(second).toMatchObject({ created: 0, unchanged: 18, rejected: 2 });
    const grantBlacklisted = await imported('consents', 'later.csv', csv([['phone', 'state', 'channel'], [mobile(3000), 'granted', 'sms']]));
    expect(grantBlacklisted).toMatchObject({ created: 0, rejected: 1 });
    expect(await verdict(mobile(3000), 'sms')).toEqual({ kind: 'refuse', reason: 'BLACKLISTED' });
  });

  it('refuses what it cannot read: missing required columns, an unknown kind, a non-spreadsheet; needs import:run', async () => {
    const missing = await imported('events', 'e.csv', csv([['名称', '地点'], ['x', 'y']]));
    expect(missing.status).toBe('failed');
    expect(missing.error).toContain('活动编号');
    const badKind = await upload('planets', 'x.csv', 'a,b\r\n1,2\r\n');
    expect(badKind.status).toBe(422);
    expect(badKind.body.details.fields.map((f: { field: string }) => f.field)).toEqual(['kind']);
    const pdf = await upload('customers', 'x.pdf', '%PDF-1.4');
    expect(pdf.status).toBe(422);
    expect((await upload('customers', 'x.csv', 'a\r\n', sales.token)).status).toBe(403);
    expect((await t.call('GET', '/api/imports/999999', { token: manager.token })).status).toBe(404);
    expect((await t.call('GET', '/api/imports/1', { token: sales.token })).status).toBe(403);
    expect(readdirSync(join(t.app.config.dataDir, 'imports'))).toEqual([]);
  });

  it('a batch whose results the database refuses to store fails the import as 保存数据出错 (a save error), not as a file it could not read', async () => {
    const sql = (query: string) => t.app.orm.em.fork().getConnection().execute(query);
    // The error list cannot be written (as a full disk or a lost connection would): the rejected row's batch cannot be saved.
    await sql(
      dialect === 'mysql'
        ? `create trigger import_errors_down before insert on import_errors for each row signal sqlstate '45000' set message_text = 'import_errors down'`
        : `create trigger import_errors_down before insert on import_errors begin select raise(abort, 'import_errors down'); end`,
    );
    try {
      const job = await imported('customers', '存不进.csv', csv([['客户编号', '客户名称'], ['SAVE_1', '存得进'], ['bad id!', '编号不对']]));
      expect(job).toMatchObject({ status: 'failed', error: expect.stringMatching(/^保存数据出错：/) });
      expect(job.error).toContain('import_errors down');
    } finally {
      await sql('drop trigger import_errors_down');
    }
  });

  it('only the import route reads a multipart body; any other route answers 415 and stores nothing', async () => {
    const form = new FormData();
    form.set('name', '多部件');
    form.set('role', 'sales');
    form.set('file', new Blob(['a,b\r\n']), 'x.csv');
    const staffBefore = await t.app.orm.em.fork().count(StaffSchema, {});
    for (const path of ['/api/staff', '/api/consents']) {
      const res = await fetch(`${t.app.url}${path}`, { method: 'POST', headers: { authorization: `Bearer ${manager.token}` }, body: form });
      expect(res.status).toBe(415);
      expect(await res.json()).toMatchObject({ code: 415, error: 'UNSUPPORTED_MEDIA_TYPE' });
    }
    expect(await t.app.orm.em.fork().count(StaffSchema, {})).toBe(staffBefore);
    expect(readdirSync(join(t.app.config.dataDir, 'imports'))).toEqual([]);
  });
});
