import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { recordAudit } from '../../src/domain/audit/audit.service.js';
import { withRequestId } from '../../src/domain/audit/request-scope.js';
import { bootApp, type TestApp } from '../support/app.js';
import { DIALECTS } from '../support/database.js';

describe.each(DIALECTS)('audit rows carry the request id (%s)', (dialect) => {
  let t: TestApp;
  let manager: { id: number; token: string };
  beforeAll(async () => {
    t = await bootApp(dialect);
    manager = await t.staffWithToken('manager');
  });
  afterAll(async () => t?.close());

  it('an API call writes its audit rows with the X-Request-Id it answered with', async () => {
    const requestId = 'audit-req-0000001';
    const res = await t.call('POST', '/api/consents', {
      token: manager.token,
      json: { phone: '13912345678', channels: ['sms'], action: 'grant', source: 'signed_form', evidence: '表单 F-1' },
      headers: { 'x-request-id': requestId },
    });
    expect(res.status).toBe(201);
    expect(res.headers.get('x-request-id')).toBe(requestId);
    const log = await t.call('GET', '/api/audit-log?size=100', { token: manager.token });
    const mine = log.body.data.records.filter((r: { channel: string; actorStaffId: number | null }) => r.channel === 'api' && r.actorStaffId === manager.id);
    expect(mine.length).toBeGreaterThan(0);
    for (const row of mine) expect(row.requestId).toBe(requestId);
    // Without a header the generated id is the one answered.
    const second = await t.call('POST', '/api/consents', { token: manager.token, json: { phone: '13912345679', channels: ['call'], action: 'revoke', source: 'phone_call' } });
    const generated = second.headers.get('x-request-id');
    const after = (await t.call('GET', '/api/audit-log?size=100', { token: manager.token })).body.data.records.filter((r: { requestId: string | null }) => r.requestId === generated);
    expect(after.length).toBeGreaterThan(0);
  });

  it('a service that names no request id gets the one it runs under; outside a request there is none', async () => {
    const em = t.app.orm.em.fork();
    await withRequestId('scoped-req-000001', async () => {
      recordAudit(em, { actorStaffId: null, channel: 'system', action: 'probe.in_request', targetType: 'probe' });
      await em.flush();
    });
    recordAudit(em, { actorStaffId: null, channel: 'system', action: 'probe.outside', targetType: 'probe' });
    await em.flush();
    const rows = (await t.call('GET', '/api/audit-log?targetType=probe&size=10', { token: manager.token })).body.data.records;
    expect(Object.fromEntries(rows.map((r: { action: string; requestId: string | null }) => [r.action, r.requestId]))).toEqual({ 'probe.in_request': 'scoped-req-000001', 'probe.outside': null });
  });
});
