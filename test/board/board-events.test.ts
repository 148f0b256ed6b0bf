import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bootApp, type TestApp } from '../support/app.js';
import { DIALECTS } from '../support/database.js';
import { FakeChannel, FakeEventSocket } from '../telephony/support/fake-switch.js';
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
      FREESWITCH_ESL_HOST: '127.0.0.1',
      FREESWITCH_ESL_PORT: String(fs.port),
      FREESWITCH_ESL_PASSWORD: fs.password,
      FREESWITCH_SOCKET_PORT: '0',
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

  it('pushes a ringing call, caller masked, over the event stream as the switch hands it over', async () => {
    const res = await fetch(`${t.app.url}/api/board/events`, { headers: { authorization: `Bearer ${manager.token}` } });
    expect(res.headers.get('content-type')).toMatch(/^text\/event-stream/);
    const stream = readEvents(res.body!);
    await stream.next((event) => event === 'snapshot');
    const uuid = randomUUID();
    const channel = new FakeChannel(uuid, { 'Caller-Caller-ID-Number': encodeURIComponent('+8613800138000'), 'Caller-Destination-Number': '4008320160' }, () => ({ variable_DIALSTATUS: 'NO_ANSWER' }));
    await channel.connect(t.app.telephony!.socketPort()!);
    const { data } = await stream.next((event, d) => event === 'calls' && d.some((c: { uuid: string }) => c.uuid === uuid));
    const call = data.find((c: { uuid: string }) => c.uuid === uuid);
    expect(call).toMatchObject({ state: 'ringing', source: 'inbound', caller: '138****8000' });
    expect(JSON.stringify(data)).not.toContain('13800138000');
    channel.hangup();
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
});
