import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkCompliance } from '../../src/domain/compliance/compliance.service.js';
import { AuditLogSchema } from '../../src/domain/audit/audit-log.entity.js';
import { bootApp, type TestApp } from '../support/app.js';
import { DIALECTS } from '../support/database.js';
import { startFakeWechat, type FakeWechat } from '../support/fake-wecom.js';
import { addCustomer } from '../outreach/outreach-fixtures.js';
import { CustomerContactSchema } from '../../src/domain/customers/customer-contact.entity.js';

const SETTINGS = { timeZone: 'Asia/Shanghai', window: { start: '08:00', end: '20:00' } };
/** A Tuesday 10:00 in Shanghai: inside the marketing window, so only the ledger decides. */
const IN_WINDOW = new Date('2026-11-24T02:00:00Z');

describe.each(DIALECTS)('consents by API and mini-program (%s)', (dialect) => {
  let t: TestApp;
  let wechat: FakeWechat;
  let sales: { id: number; token: string };
  let manager: { id: number; token: string };
  let duty: { id: number; token: string };
  let customerId: string;

  const verdict = async (phone: string, channel: 'sms' | 'call') =>
    (await checkCompliance(t.app.orm.em.fork(), { phones: [phone], channel, purpose: 'marketing', subjectType: 'test' }, SETTINGS, IN_WINDOW))[0]!.verdict;

  beforeAll(async () => {
    wechat = await startFakeWechat();
    t = await bootApp(dialect, { MINIAPP_APPID: wechat.appId, MINIAPP_SECRET: wechat.secret, WECHAT_API_BASE: wechat.url });
    sales = await t.staffWithToken('sales', { wecomUserId: `s-${dialect}` });
    manager = await t.staffWithToken('manager');
    duty = await t.staffWithToken('duty');
    const em = t.app.orm.em.fork();
    customerId = (await addCustomer(em, { name: '周一', ownerStaff: sales.id })).id;
    em.create(CustomerContactSchema, { customer: customerId, name: '周一', mobile: '+8613911112222', mobileLast8: '11112222', isPrimary: true } as any);
    await em.flush();
  });
  afterAll(async () => {
    await t?.close();
    await wechat?.close();
  });

  it('records a grant with its evidence; the compliance check then allows marketing on that channel only', async () => {
    expect(await verdict('13911112222', 'sms')).toEqual({ kind: 'refuse', reason: 'NO_CONSENT' });
    const res = await t.call('POST', '/api/consents', {
      token: sales.token,
      json: { phone: '139-1111-2222', channels: ['sms'], action: 'grant', source: 'signed_form', evidence: '表单 F-2026-001', at: '2026-11-20T10:00:00+08:00' },
    });
    expect(res.status).toBe(201);
    expect(res.body.data.phone).toBe('139****2222');
    expect(res.body.data.channels).toEqual(
      expect.arrayContaining([expect.objectContaining({ channel: 'sms', state: 'granted', source: 'signed_form' }), expect.objectContaining({ channel: 'call', state: 'none' })]),
    );
    // The number resolved to its customer through the customers module (contact mobile).
    expect(res.body.data.history[0]).toMatchObject({ customerId, evidence: '表单 F-2026-001', recordedBy: sales.id, phone: '139****2222' });
    expect(await verdict('+86 139 1111 2222', 'sms')).toEqual({ kind: 'allow' });
    expect(await verdict('13911112222', 'call')).toEqual({ kind: 'refuse', reason: 'NO_CONSENT' });
  });

  it('needs evidence for a grant and answers every bad field at once', async () => {
    const bad = await t.call('POST', '/api/consents', { token: sales.token, json: { phone: '12345', channels: ['fax'], action: 'grant', source: 'Signed Form' } });
    expect(bad.status).toBe(422);
    expect(bad.body.details.fields.map((f: { field: string }) => f.field).sort()).toEqual(['channels.0', 'phone', 'source']);
    const noEvidence = await t.call('POST', '/api/consents', { token: sales.token, json: { phone: '13911113333', channels: ['sms'], action: 'grant', source: 'phone_call' } });
    expect(noEvidence.status).toBe(422);
    expect(noEvidence.body.details.fields).toEqual([expect.objectContaining({ field: 'evidence' })]);
    expect((await t.call('POST', '/api/consents', { token: duty.token, json: { phone: '13911113333', channels: ['sms'], action: 'revoke', source: 'phone_call' } })).status).toBe(403);
  });

  it('a revocation and a blacklisting win over the grant; a grant never lifts a blacklisting', async () => {
    const phone = '13911114444';
    await t.call('POST', '/api/consents', { token: sales.token, json: { phone, channels: ['sms', 'call'], action: 'grant', source: 'signed_form', evidence: 'F-2' } });
    expect(await verdict(phone, 'call')).toEqual({ kind: 'allow' });
    await t.call('POST', '/api/consents', { token: sales.token, json: { phone, channels: ['call'], action: 'revoke', source: 'phone_call', reason: '客户来电要求' } });
    expect(await verdict(phone, 'call')).toEqual({ kind: 'refuse', reason: 'OPTED_OUT' });
    await t.call('POST', '/api/consents', { token: manager.token, json: { phone, channels: ['sms'], action: 'blacklist', source: 'complaint', evidence: '投诉单 C-9' } });
    expect(await verdict(phone, 'sms')).toEqual({ kind: 'refuse', reason: 'BLACKLISTED' });
    const again = await t.call('POST', '/api/consents', { token: sales.token, json: { phone, channels: ['sms'], action: 'grant', source: 'signed_form', evidence: 'F-3' } });
    expect(again.status).toBe(409);
    expect(again.body.error).toBe('CONSENT_BLACKLISTED_CONFLICT');

    const one = await t.call('GET', `/api/consents/${phone}`, { token: duty.token });
    expect(one.status).toBe(200);
    expect(Object.fromEntries(one.body.data.channels.map((c: { channel: string; state: string }) => [c.channel, c.state]))).toEqual({ sms: 'blacklisted', call: 'revoked', wechat: 'none', email: 'none' });
    expect(one.body.data.history.map((h: { state: string }) => h.state)).toEqual(['blacklisted', 'revoked', 'granted', 'granted']);
    const audits = await t.app.orm.em.fork().find(AuditLogSchema, { action: { $like: 'consent.%' }, targetId: '139****4444' });
    expect(audits.length).toBe(4);
  });

  it('lists the ledger paged with numbers masked, and exports it as CSV for an audit', async () => {
    const page = await t.call('GET', '/api/consents?size=2&channel=sms', { token: sales.token });
    expect(page.status).toBe(200);
    expect(page.body.data).toMatchObject({ size: 2, current: 1 });
    expect(page.body.data.total).toBeGreaterThanOrEqual(3);
    expect(JSON.stringify(page.body.data)).not.toMatch(/1391111\d{4}/);
    const byPhone = await t.call('GET', '/api/consents?phone=%2B8613911114444', { token: sales.token });
    expect(byPhone.body.data.total).toBe(4);

    expect((await t.call('GET', '/api/consents/export', { token: sales.token })).status).toBe(403);
    const csv = await t.call('GET', '/api/consents/export', { token: manager.token });
    expect(csv.status).toBe(200);
    expect(csv.headers.get('content-type')).toContain('text/csv');
    const lines = (csv.body as string).replace(/^\uFEFF/, '').trim().split('\r\n');
    expect(lines[0]).toBe('id,phone,customer_id,channel,state,source,evidence,text_version,reason,recorded_by,recorded_at');
    expect(lines.length).toBe(1 + 5);
    expect(lines.some((l) => l.includes('+8613911114444') && l.includes('blacklisted') && l.includes('投诉单 C-9'))).toBe(true);
    expect(await t.app.orm.em.fork().count(AuditLogSchema, { action: 'consent.export', actorStaffId: manager.id })).toBe(1);
  });

  it('a customer grants and withdraws marketing consent per channel in the mini-program', async () => {
    const code = `consent-${dialect}`;
    wechat.codes.set(code, { openid: `o-consent-${dialect}`, session_key: 'k' });
    const session = (await t.call('POST', '/api/miniapp/login', { json: { code } })).body.data;
    const bindCode = /码：?([A-Z0-9]{8})/.exec(await t.app.chatOps.router.handleText({ channel: 'wecom', senderId: `s-${dialect}` }, `客户码 ${customerId}`))![1]!;
    expect((await t.call('POST', '/api/miniapp/bind', { token: session.token, json: { code: bindCode } })).status).toBe(200);

    const mine = await t.call('GET', '/api/miniapp/consents', { token: session.token });
    expect(mine.body.data.channels.find((c: { channel: string }) => c.channel === 'wechat').state).toBe('none');
    const granted = await t.call('POST', '/api/miniapp/consents', { token: session.token, json: { channel: 'wechat', choice: 'grant', textVersion: '2026-11-v1' } });
    expect(granted.status).toBe(200);
    expect(granted.body.data.channels.find((c: { channel: string }) => c.channel === 'wechat').state).toBe('granted');
    const ledger = (await t.call('GET', '/api/consents/13911112222', { token: sales.token })).body.data.history[0];
    expect(ledger).toMatchObject({ channel: 'wechat', state: 'granted', source: 'miniapp', textVersion: '2026-11-v1', customerId, recordedBy: null });
    expect(ledger.evidence).toContain('2026-11-v1');

    expect(await verdict('13911112222', 'sms')).toEqual({ kind: 'allow' });
    await t.call('POST', '/api/miniapp/consents', { token: session.token, json: { channel: 'sms', choice: 'withdraw', textVersion: '2026-11-v1' } });
    expect(await verdict('13911112222', 'sms')).toEqual({ kind: 'refuse', reason: 'OPTED_OUT' });
    expect((await t.call('POST', '/api/miniapp/consents', { token: session.token, json: { channel: 'sms', choice: 'maybe' } })).status).toBe(422);
  });
});
