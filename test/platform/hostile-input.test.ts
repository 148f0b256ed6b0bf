import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bootApp, type TestApp } from '../support/app.js';
import { DIALECTS } from '../support/database.js';

const fieldsOf = (body: any) => (body.details?.fields ?? []).map((f: { field: string }) => f.field).sort();

describe.each(DIALECTS)('hostile input is refused with 422, never 500 (%s)', (dialect) => {
  let t: TestApp;
  let manager: { id: number; token: string };
  let admin: { id: number; token: string };
  beforeAll(async () => {
    t = await bootApp(dialect);
    manager = await t.staffWithToken('manager');
    admin = await t.staffWithToken('admin');
    const tpl = await t.call('POST', '/api/ai-ops/outreach/templates', {
      token: admin.token,
      json: { code: 'TPL_H', name: '通知', category: 'notification', vendorTemplateId: '100001', content: '您好{1}', paramNames: ['name'] },
    });
    expect(tpl.status).toBe(201);
  });
  afterAll(async () => t?.close());

  const batch = (json: unknown) => t.call('POST', '/api/ai-ops/outreach/sms/batch', { token: manager.token, json });

  it('reports every bad field at once, in Chinese, the phone format included', async () => {
    const res = await t.call('POST', '/api/ai-ops/outreach/sms', { token: manager.token, json: { phoneNumber: '12345' } });
    expect(res.status).toBe(422);
    expect(fieldsOf(res.body)).toEqual(['phoneNumber', 'templateId']);
    expect(res.body.details.fields).toEqual(
      expect.arrayContaining([
        { field: 'phoneNumber', in: 'body', message: '不是有效的中国大陆手机号' },
        { field: 'templateId', in: 'body', message: '必填' },
      ]),
    );
    const numbers = await t.call('POST', '/api/ai-ops/outreach/feedback', { token: manager.token, json: { customerId: 'C', contactId: 'x', type: 'complaint', rating: -3, content: '' } });
    expect(numbers.body.details.fields).toEqual(expect.arrayContaining([{ field: 'rating', in: 'body', message: '不能小于 1' }, { field: 'content', in: 'body', message: '不能为空' }]));
    expect(JSON.stringify(numbers.body)).not.toMatch(/Too small|expected/);
  });

  it('answers template mismatches with 422, as the README says', async () => {
    const send = (json: unknown) => t.call('POST', '/api/ai-ops/outreach/sms', { token: manager.token, json });
    expect((await send({ phoneNumber: '13800138000', templateId: 'TPL_H', params: [] })).body).toMatchObject({ code: 422, error: 'TEMPLATE_PARAMS_MISMATCH' });
    expect((await send({ phoneNumber: '13800138000', templateId: 'TPL_H', params: ['a'], message: '别的内容' })).body).toMatchObject({ code: 422, error: 'CONTENT_NOT_TEMPLATE' });
  });

  it('accepts only strict ISO 8601 instants within 1970-2100', async () => {
    for (const scheduledAt of [true, '12345', '2026-02-30T09:00:00+08:00', '+275760-09-13T00:00:00Z', '-271821-04-20T00:00:00Z', '1969-12-31T23:59:59Z', '2026-03-01 09:00']) {
      const res = await batch({ templateId: 'TPL_H', params: ['a'], phoneNumbers: ['13800138000'], scheduledAt });
      expect(res.status, JSON.stringify(scheduledAt)).toBe(422);
      expect(fieldsOf(res.body), JSON.stringify(scheduledAt)).toEqual(['scheduledAt']);
    }
    const ok = await batch({ templateId: 'TPL_H', params: ['a'], phoneNumbers: ['13800138000'], scheduledAt: new Date(Date.now() + 3600_000).toISOString() });
    expect(ok.status).toBe(201);
    expect((await t.call('PUT', '/api/telephony/holidays', { token: admin.token, json: { date: '2026-02-30', name: '假' } })).body.details.fields[0].field).toBe('date');
  });

  it('refuses an audience filter that names no known criterion', async () => {
    for (const filter of [{}, { $gt: '' }, { segment: { $ne: null } }, { lastVisitDays: '30; drop table' }]) {
      const res = await batch({ templateId: 'TPL_H', params: ['a'], filter });
      expect(res.status, JSON.stringify(filter)).toBe(422);
      expect(fieldsOf(res.body).join(), JSON.stringify(filter)).toMatch(/filter/);
    }
  });

  it('refuses strings that are not well-formed Unicode (lone surrogates), and stores NUL as it came', async () => {
    const lone = await t.call('POST', '/api/sales/status', { token: manager.token, json: { status: 'in_field', location: '\ud800x' } });
    expect(lone.status).toBe(422);
    expect(lone.body.details.fields).toEqual([{ field: 'location', in: 'body', message: '包含无效的 Unicode 字符（孤立的代理项）' }]);
    const key = await t.call('POST', '/api/sales/status', { token: manager.token, body: '{"status":"in_field","\\udc00":1}', headers: { 'content-type': 'application/json' } });
    expect(key.status).toBe(422);
    const nul = await t.call('POST', '/api/sales/status', { token: manager.token, json: { status: 'in_field', location: '北京\u0000东城' } });
    expect(nul.status).toBe(200);
    expect(nul.body.data.location).toBe('北京\u0000东城');
    const team = await t.call('GET', '/api/sales/status', { token: manager.token });
    expect(team.body.data.find((s: { staffId: number }) => s.staffId === manager.id).location).toBe('北京\u0000东城');
  });

  it('refuses input nested deeper than any request needs', async () => {
    let body: unknown = { x: 1 };
    for (let i = 0; i < 40; i++) body = { a: body };
    const res = await t.call('POST', '/api/telephony/routing-rules', { token: admin.token, json: { kind: 'forwarding', name: 'deep', body } });
    expect(res.status).toBe(422);
  });
});
