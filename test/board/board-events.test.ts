import { randomUUID } from 'node:crypto';
import { createConnection } from 'mysql2/promise';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bootApp, type TestApp } from '../support/app.js';
import { DIALECTS } from '../support/database.js';
import { FakeEventSocket, switchEnv } from '../telephony/support/fake-switch.js';
import { READY_MS } from '../support/wait-for.js';
import { readEvents } from '../support/sse.js';
import { CustomerSchema } from '../../src/domain/customers/customer.entity.js';
import { EventSchema } from '../../src/domain/events/event.entity.js';

describe.each(DIALECTS)('live board events (%s)', (dialect) => {
  let fs: FakeEventSocket;
  let t: TestApp;
  let manager: { id: number; token: string };

  beforeAll(async () => {
    fs = await new FakeEventSocket().start();
    t = await bootApp(dialect, {
      ...switchEnv(fs),
      IMPORT_BATCH_SIZE: '2',
    });
    await t.app.telephony!.events.ready(READY_MS);
    manager = await t.staffWithToken('manager');
  });
  afterAll(async () => {
    await t?.close();
    await fs?.stop();
  });

  it('serves a snapshot with today\'s figures and refuses a caller without the permission', async () => {
    const res = await t.call('GET', '/api/board', { token: manager.token });
    expect(res.status).toBe(200);
    expect(res.body.data.today).toMatchObject({ inbound: 0, answeredPercent: null, callbacksOpen: 0 });
    expect(res.body.data.staff.some((s: { id: number }) => s.id === manager.id)).toBe(true);
    expect((await t.call('GET', '/api/board')).status).toBe(401);
  });

  it('pushes a ringing call, caller masked, over the event stream as the switch hands it over, and its end', async () => {
    const res = await fetch(`${t.app.url}/api/board/events`, { headers: { authorization: `Bearer ${manager.token}` } });
    expect(res.headers.get('content-type')).toMatch(/^text\/event-stream/);
    const stream = readEvents(res.body!);
    await stream.next((event) => event === 'snapshot');
    const uuid = randomUUID();
    fs.msPerRingSecond = 60_000; // the team's phones ring until the caller hangs up
    const channel = await fs.inbound(t.app.telephony!.socketPort()!, uuid, { 'Caller-Caller-ID-Number': encodeURIComponent('+8613800138000'), 'Caller-Destination-Number': '4008320160' });
    const { data } = await stream.next((event, d) => event === 'calls' && d.some((c: { uuid: string }) => c.uuid === uuid));
    const call = data.find((c: { uuid: string }) => c.uuid === uuid);
    expect(call).toMatchObject({ state: 'ringing', source: 'inbound', caller: '138****8000' });
    expect(JSON.stringify(data)).not.toContain('13800138000');
    // The caller gives up at once (the call's record may still be being written: its end waits for it).
    channel.hangup();
    await stream.next((event, d) => event === 'calls' && !d.some((c: { uuid: string }) => c.uuid === uuid));
    const recorded = await stream.next((event, d) => event === 'snapshot' && d.today.inbound === 1);
    expect(recorded.data.today).toMatchObject({ inbound: 1, missed: 1, answeredPercent: 0 });
    await stream.close();
  });

  it('pushes a fresh snapshot as soon as a status is set or an approval is submitted and decided', async () => {
    const sales = await t.staffWithToken('sales', { name: '赵销售' });
    const em = t.app.orm.em.fork();
    em.create(EventSchema, { id: `EV_${dialect}`, name: '品鉴会', eventDate: new Date(Date.now() + 5 * 86_400_000) });
    em.create(CustomerSchema, { id: `CUST_EV_${dialect}`, name: '孙总', level: 'normal', segment: 'regular', tags: [], phone: '+8613900003001', phoneLast8: '00003001' });
    await em.flush();
    const res = await fetch(`${t.app.url}/api/board/events`, { headers: { authorization: `Bearer ${manager.token}` } });
    const stream = readEvents(res.body!);
    await stream.next((event) => event === 'snapshot');
    const mine = (data: any) => data.staff?.find((s: { id: number }) => s.id === sales.id);

    expect((await t.call('POST', '/api/sales/status', { token: sales.token, json: { status: 'in_field', location: '客户现场' } })).status).toBe(200);
    const status = await stream.next((event, d) => event === 'snapshot' && mine(d)?.status === 'in_field');
    expect(mine(status.data)).toMatchObject({ statusLabel: '外出', location: '客户现场' });

    const invitation = await t.call('POST', '/api/ai-ops/outreach/invitation', { token: sales.token, json: { customerId: `CUST_EV_${dialect}`, eventId: `EV_${dialect}` } });
    expect(invitation.status).toBe(201);
    const id = invitation.body.data.id;
    await stream.next((event, d) => event === 'snapshot' && d.approvals.some((a: { id: string }) => a.id === id));
    expect((await t.call('POST', `/api/ai-ops/outreach/invitations/${id}/approve`, { token: manager.token })).status).toBe(200);
    await stream.next((event, d) => event === 'snapshot' && !d.approvals.some((a: { id: string }) => a.id === id));
    await stream.close();
  });

  // MariaDB: another transaction can hold one customer's row while the import's first batch commits.
  it.runIf(dialect === 'mysql')('pushes the progress bar as an import stores a batch, and again when it ends', async () => {
    const em = t.app.orm.em.fork();
    em.create(CustomerSchema, { id: 'PC3', name: '丙', level: 'normal', segment: 'regular', tags: [], phone: '+8613900004003', phoneLast8: '00004003' });
    await em.flush();
    // Holding PC3: the import (two rows a batch) stores PC1 and PC2, then waits to rename PC3 until the hold ends.
    const holder = await createConnection(t.db.url);
    await holder.query('START TRANSACTION');
    await holder.query('SELECT id FROM customers WHERE id = ? FOR UPDATE', ['PC3']);
    const res = await fetch(`${t.app.url}/api/board/events`, { headers: { authorization: `Bearer ${manager.token}` } });
    const stream = readEvents(res.body!);
    try {
      await stream.next((event) => event === 'snapshot');
      const form = new FormData();
      form.set('kind', 'customers');
      form.set('file', new Blob([Buffer.from('客户编号,客户名称\r\nPC1,甲\r\nPC2,乙\r\nPC3,丙（新）\r\nPC4,丁\r\n', 'utf8')]), '客户.csv');
      const upload = await fetch(`${t.app.url}/api/imports`, { method: 'POST', headers: { authorization: `Bearer ${manager.token}` }, body: form });
      expect(upload.status).toBe(202);
      const id = ((await upload.json()) as { data: { id: number } }).data.id;
      const mine = (d: { imports: Array<{ id: number; done: number }> }) => d.imports.find((i) => i.id === id);

      const running = await stream.next((event, d) => event === 'progress' && (mine(d)?.done ?? 0) > 0);
      expect(mine(running.data)).toMatchObject({ name: '客户导入 · 客户.csv', total: 100 });
      expect(mine(running.data)!.done).toBeLessThan(100);
      expect(Object.keys(running.data).sort()).toEqual(['callTasks', 'imports', 'smsBatches']);

      await holder.query('ROLLBACK');
      await stream.next((event, d) => event === 'progress' && !mine(d));
      expect((await t.call('GET', `/api/imports/${id}`, { token: manager.token })).body.data).toMatchObject({ status: 'completed', processed: 4, created: 3, updated: 1, rejected: 0 });
    } finally {
      await stream.close();
      await holder.end().catch(() => undefined);
    }
  });
});
