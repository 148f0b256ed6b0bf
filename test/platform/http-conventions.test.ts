import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bootApp, type TestApp } from '../support/app.js';
import { DIALECTS } from '../support/database.js';
import { StaffTokens } from '../../src/miniapp-api/auth/staff-token.js';

describe.each(DIALECTS)('HTTP conventions on %s', (dialect) => {
  let t: TestApp;
  let manager: { id: number; token: string };
  let sales: { id: number; token: string };
  let admin: { id: number; token: string };

  beforeAll(async () => {
    t = await bootApp(dialect);
    manager = await t.staffWithToken('manager');
    sales = await t.staffWithToken('sales');
    admin = await t.staffWithToken('admin');
  });
  afterAll(async () => t?.close());

  it('answers /healthz and /readyz', async () => {
    expect((await t.call('GET', '/healthz')).status).toBe(200);
    const ready = await t.call('GET', '/readyz');
    expect(ready.status).toBe(200);
    expect(ready.body.database).toBe('ok');
  });

  it('puts a request id on every response and keeps a sane incoming one', async () => {
    const fresh = await t.call('GET', '/healthz');
    expect(fresh.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    const kept = await t.call('GET', '/healthz', { headers: { 'x-request-id': 'trace-abc-12345' } });
    expect(kept.headers.get('x-request-id')).toBe('trace-abc-12345');
    const replaced = await t.call('GET', '/healthz', { headers: { 'x-request-id': 'bad id with spaces' } });
    expect(replaced.headers.get('x-request-id')).not.toBe('bad id with spaces');
  });

  it('wraps success in { code: 200, message: 操作成功, data }', async () => {
    const me = await t.call('GET', '/api/me', { token: manager.token });
    expect(me.status).toBe(200);
    expect(me.body).toMatchObject({ code: 200, message: '操作成功', data: { id: manager.id, role: 'manager' } });
    expect(me.body.data.permissions).toContain('lead:call:create');
  });

  it('rejects a missing, malformed, foreign-signed or expired token with 401', async () => {
    expect((await t.call('GET', '/api/me')).body).toMatchObject({ code: 401, error: 'UNAUTHENTICATED' });
    expect((await t.call('GET', '/api/me', { token: 'not-a-jwt' })).status).toBe(401);
    const foreign = await new StaffTokens('x'.repeat(40), 3600).issue({ staffId: manager.id, role: 'admin' });
    expect((await t.call('GET', '/api/me', { token: foreign.token })).status).toBe(401);
    const expired = await new StaffTokens(t.app.config.auth.appSecret, 60).issue(
      { staffId: manager.id, role: 'manager' },
      new Date(Date.now() - 3600_000),
    );
    const res = await t.call('GET', '/api/me', { token: expired.token });
    expect(res.body).toMatchObject({ code: 401, error: 'TOKEN_EXPIRED' });
    // An unsigned token (alg "none") for a real admin with every other claim right is refused.
    const b64 = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');
    const now = Math.floor(Date.now() / 1000);
    const none = `${b64({ alg: 'none', typ: 'JWT' })}.${b64({ sub: String(admin.id), role: 'admin', iss: 'sales-ops', aud: 'staff', iat: now, exp: now + 600 })}.`;
    expect((await t.call('GET', '/api/me', { token: none })).body).toMatchObject({ code: 401, error: 'UNAUTHENTICATED' });
  });

  it('answers 403 with the missing permission', async () => {
    const res = await t.call('GET', '/api/audit-log', { token: sales.token });
    expect(res.status).toBe(403);
    expect(res.body).toMatchObject({ code: 403, error: 'FORBIDDEN', details: { required: ['audit:view'] } });
    expect((await t.call('GET', '/api/audit-log', { token: manager.token })).status).toBe(200);
  });

  it('answers bad JSON with 400 INVALID_JSON and an oversized body with 413', async () => {
    const bad = await t.call('POST', '/api/staff', {
      token: admin.token,
      body: '{"name": ',
      headers: { 'content-type': 'application/json' },
    });
    expect(bad.body).toMatchObject({ code: 400, error: 'INVALID_JSON' });
    const big = await t.call('POST', '/api/staff', { token: admin.token, json: { name: 'x'.repeat(1_100_000) } });
    expect(big.status).toBe(413);
    expect(big.body.error).toBe('PAYLOAD_TOO_LARGE');
  });

  it('answers an unknown route with 404 in the envelope', async () => {
    const res = await t.call('GET', '/no/such/thing');
    expect(res.body).toEqual({ code: 404, message: '接口不存在: GET /no/such/thing', error: 'ROUTE_NOT_FOUND' });
    const api = await t.call('GET', '/api/no-such-thing', { token: admin.token });
    expect(api.status).toBe(404);
  });

  it('answers schema violations with 422 naming every bad field at once, in Chinese, and stores nothing', async () => {
    const before = (await t.call('GET', '/api/staff?size=100', { token: admin.token })).body.data.total;
    const res = await t.call('POST', '/api/staff', { token: admin.token, json: { name: '', role: 'boss', mobile: '12345' } });
    expect(res.status).toBe(422);
    expect(res.body.error).toBe('VALIDATION_FAILED');
    expect(res.body.details.fields.map((f: { field: string }) => f.field).sort()).toEqual(['mobile', 'name', 'role']);
    expect(res.body.details.fields).toContainEqual({ field: 'name', in: 'body', message: '不能为空' });
    expect(res.body.details.fields).toContainEqual({ field: 'role', in: 'body', message: '应为以下之一：sales、manager、admin、duty' });
    expect(res.body.details.fields).toContainEqual({ field: 'mobile', in: 'body', message: '不是有效的中国大陆手机号' });
    const badMobile = await t.call('POST', '/api/staff', { token: admin.token, json: { name: '李四', role: 'sales', mobile: '12345' } });
    expect(badMobile.status).toBe(422);
    expect(badMobile.body.details.fields[0].field).toBe('mobile');
    const after = (await t.call('GET', '/api/staff?size=100', { token: admin.token })).body.data.total;
    expect(after).toBe(before);
  });

  it('answers a conflict with 409 and keeps the stored record', async () => {
    const first = await t.call('POST', '/api/staff', { token: admin.token, json: { name: '王五', role: 'sales', wecomUserId: 'wangwu', mobile: '13912345678' } });
    expect(first.status).toBe(201);
    expect(first.body.data.mobile).toBe('139****5678');
    const dup = await t.call('POST', '/api/staff', { token: admin.token, json: { name: '赵六', role: 'sales', wecomUserId: 'wangwu' } });
    expect(dup.status).toBe(409);
    expect(dup.body.error).toBe('STAFF_WECOM_USER_EXISTS');
    const list = await t.call('GET', '/api/staff?size=100&sort=name&order=asc', { token: admin.token });
    const wang = list.body.data.records.filter((s: { wecomUserId: string }) => s.wecomUserId === 'wangwu');
    expect(wang).toHaveLength(1);
    expect(wang[0].name).toBe('王五');
  });

  it('pages with { records, total, size, current, pages } and caps size at 100', async () => {
    const res = await t.call('GET', '/api/staff?page=2&size=2&sort=id&order=asc', { token: admin.token });
    expect(res.body.data).toMatchObject({ size: 2, current: 2 });
    expect(res.body.data.pages).toBe(Math.ceil(res.body.data.total / 2));
    expect(res.body.data.records).toHaveLength(2);
    expect(res.body.data.records[0].id).toBeLessThan(res.body.data.records[1].id);
    const tooBig = await t.call('GET', '/api/staff?size=101', { token: admin.token });
    expect(tooBig.status).toBe(422);
    expect(tooBig.body.details.fields[0].field).toBe('size');
  });

  it('writes staff creation to the audit log with actor and channel', async () => {
    const res = await t.call('GET', '/api/audit-log?action=staff.create&size=100', { token: admin.token });
    const viaApi = res.body.data.records.find((r: { channel: string }) => r.channel === 'api');
    expect(viaApi).toMatchObject({ actorStaffId: admin.id, targetType: 'staff', action: 'staff.create' });
  });

  it('answers an unexpected failure with a generic 500 and the request id, never a stack', async () => {
    const em = t.app.orm.em.fork();
    await em.getConnection().execute('drop table audit_log');
    const res = await t.call('GET', '/api/audit-log', { token: admin.token });
    expect(res.status).toBe(500);
    expect(res.body).toMatchObject({ code: 500, error: 'INTERNAL_ERROR', message: '服务器内部错误，请稍后重试' });
    expect(res.body.details.requestId).toBe(res.headers.get('x-request-id'));
    expect(JSON.stringify(res.body)).not.toMatch(/audit_log|at .*\.ts/);
  });
});
