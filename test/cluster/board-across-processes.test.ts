import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bootApp, type TestApp } from '../support/app.js';
import { readEvents } from '../support/sse.js';
import { READY_MS } from '../support/wait-for.js';
import { FakeChannel, FakeEventSocket, channelEvent } from '../telephony/support/fake-switch.js';
import { clusterSettings } from './support/cluster-settings.js';

/**
 * Two app instances on one MariaDB database, one Redis (REDIS_URL) and one switch: a call the switch hands
 * to A rings, and ends, on a board served by B; a status set through A shows on B's board.
 */
describe('live board across processes (REDIS_URL)', () => {
  let fs: FakeEventSocket;
  let a: TestApp;
  let b: TestApp;

  beforeAll(async () => {
    fs = await new FakeEventSocket().start();
    const shared = clusterSettings(fs, { redis: true });
    a = await bootApp('mysql', shared);
    b = await bootApp('mysql', { ...shared, DATABASE_URL: a.db.url });
    await Promise.all([a.app.telephony!.events.ready(READY_MS), b.app.telephony!.events.ready(READY_MS)]);
  });
  afterAll(async () => {
    await b?.close();
    await a?.close();
    await fs?.stop();
  });

  it('shows on B the call A answers, caller masked, and takes it off when the switch reports the hangup', async () => {
    const manager = await a.staffWithToken('manager');
    const res = await fetch(`${b.app.url}/api/board/events`, { headers: { authorization: `Bearer ${manager.token}` } });
    expect(res.status).toBe(200);
    const stream = readEvents(res.body!);
    await stream.next((event) => event === 'snapshot');

    const uuid = randomUUID();
    const channel = new FakeChannel(uuid, { 'Caller-Caller-ID-Number': encodeURIComponent('+8613800138000'), 'Caller-Destination-Number': '4008320160' }, () => ({ variable_DIALSTATUS: 'NO_ANSWER' }));
    await channel.connect(a.app.telephony!.socketPort()!);
    const ringing = await stream.next((event, d) => event === 'calls' && d.some((c: { uuid: string }) => c.uuid === uuid));
    expect(ringing.data.find((c: { uuid: string }) => c.uuid === uuid)).toMatchObject({ state: 'ringing', source: 'inbound', caller: '138****8000' });
    expect(JSON.stringify(ringing.data)).not.toContain('13800138000');

    channel.hangup();
    fs.emit(channelEvent('CHANNEL_HANGUP_COMPLETE', uuid, { variable_salesops_call: 'inbound', 'Hangup-Cause': 'NORMAL_CLEARING' }));
    await stream.next((event, d) => event === 'calls' && !d.some((c: { uuid: string }) => c.uuid === uuid));
    await stream.close();
  });

  it('reads B\'s snapshot again when a status is set through A', async () => {
    const manager = await a.staffWithToken('manager');
    const sales = await a.staffWithToken('sales', { name: '钱销售' });
    const res = await fetch(`${b.app.url}/api/board/events`, { headers: { authorization: `Bearer ${manager.token}` } });
    const stream = readEvents(res.body!);
    await stream.next((event) => event === 'snapshot');
    expect((await a.call('POST', '/api/sales/status', { token: sales.token, json: { status: 'in_field', location: '客户现场' } })).status).toBe(200);
    const mine = (d: any) => d.staff?.find((s: { id: number }) => s.id === sales.id);
    const seen = await stream.next((event, d) => event === 'snapshot' && mine(d)?.status === 'in_field');
    expect(mine(seen.data)).toMatchObject({ statusLabel: '外出', location: '客户现场' });
    await stream.close();
  });
});
