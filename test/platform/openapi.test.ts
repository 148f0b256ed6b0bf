import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { validate } from '@readme/openapi-parser';
import { bootFullApp, servedRoutes, type FullApp } from '../support/full-app.js';
import { openApiResponseChecker } from '../support/openapi-check.js';
import { openApiPath } from '../../src/http/route-spec.js';
import { errorSpec, type ErrorCode } from '../../src/domain/errors/registry.js';

describe('the API describes itself (/openapi.json, /docs)', () => {
  let t: FullApp;
  let doc: any;
  beforeAll(async () => {
    t = await bootFullApp('sqlite');
    doc = await (await fetch(`${t.app.url}/openapi.json`)).json();
  });
  afterAll(async () => t?.close());

  it('serves an OpenAPI 3.1 document that a parser accepts', async () => {
    expect(doc.openapi).toBe('3.1.0');
    const result = await validate(structuredClone(doc));
    expect(result, JSON.stringify(result).slice(0, 2000)).toMatchObject({ valid: true, specification: 'OpenAPI' });
    // The parser does notice a broken document.
    const broken = structuredClone(doc);
    broken.paths['/api/staff'].post.responses = 'none';
    expect((await validate(broken)).valid).toBe(false);
  });

  it('documents every route the running app serves', () => {
    const served = servedRoutes(t.app);
    expect(served.length).toBeGreaterThan(40);
    const missing = served.filter((r) => !doc.paths[openApiPath(r.path)]?.[r.method.toLowerCase()]).map((r) => `${r.method} ${r.path}`);
    expect(missing).toEqual([]);
    // …and nothing it does not serve.
    const documented = Object.entries(doc.paths).flatMap(([path, ops]) => Object.keys(ops as object).map((m) => `${m.toUpperCase()} ${path}`));
    expect(documented.sort()).toEqual([...new Set(served.map((r) => `${r.method} ${openApiPath(r.path)}`))].sort());
  });

  it('names each route\'s access, permissions, envelope and error codes with their statuses', () => {
    const staff = doc.paths['/api/staff'].post;
    expect(staff.security).toEqual([{ staffToken: [] }]);
    expect(staff['x-permissions']).toEqual(['staff:manage']);
    expect(staff.responses['201'].content['application/json'].schema.properties).toMatchObject({ code: { const: 201 }, message: { const: '操作成功' } });
    expect(staff.responses['422'].content['application/json'].schema.properties.error.enum).toEqual(['REFERENCE_NOT_FOUND', 'VALIDATION_FAILED']);
    expect(staff.responses['409'].content['application/json'].schema.properties.error.enum).toEqual(['CONFLICT', 'STAFF_MOBILE_TAKEN', 'STAFF_WECOM_USER_EXISTS']);
    expect(staff.responses['403'].content['application/json'].schema.properties.error.enum).toContain('FORBIDDEN');
    const send = doc.paths['/api/ai-ops/outreach/sms'].post;
    expect(send.responses['422'].content['application/json'].schema.properties.error.enum).toEqual(expect.arrayContaining(['TEMPLATE_PARAMS_MISMATCH', 'CONTENT_NOT_TEMPLATE', 'VALIDATION_FAILED']));
    expect(Object.keys(send.responses)).toEqual(expect.arrayContaining(['200', '202', '401', '403', '404', '409', '422', '500']));
    // Every documented error code sits under the status the registry gives it.
    for (const [, ops] of Object.entries<any>(doc.paths)) {
      for (const op of Object.values<any>(ops)) {
        expect(op['x-access']).toMatch(/^(staff|miniapp|public|callback-token|signed-url|wecom-signature|metrics-token|board-session)$/);
        expect(op.summary).toBeTruthy();
        for (const code of op['x-error-codes'] as ErrorCode[]) {
          expect(op.responses[String(errorSpec(code).status)].content['application/json'].schema.properties.error.enum, code).toContain(code);
        }
      }
    }
    expect(doc.paths['/callbacks/tencent/sms/{token}/receipt'].post['x-access']).toBe('callback-token');
    expect(doc.paths['/wecom/callback'].post.requestBody.content['application/xml']).toBeTruthy();
    expect(doc.paths['/api/miniapp/invitations'].get.security).toEqual([{ miniappToken: [] }]);
  });

  it('checks answers strictly: an unknown, a missing or a mistyped field is a mismatch', () => {
    const check = openApiResponseChecker(doc);
    const item = { id: 1, name: '张三', role: 'sales', mobile: '138****8888', officeExt: null, wecomUserId: null, active: true, createdAt: '2026-03-01T01:30:00.000Z' };
    const page = (records: unknown[]) => ({ code: 200, message: '操作成功', data: { records, total: records.length, size: 10, current: 1, pages: 1 } });
    const json = 'application/json; charset=utf-8';
    expect(check('GET', '/api/staff?page=1', 200, json, page([item]))).toBeUndefined();
    expect(check('GET', '/api/staff', 200, json, page([{ ...item, mobile: '13812348888', secret: 'x' }]))).toMatch(/additional properties \(secret\)/);
    const { active: _active, ...missing } = item;
    expect(check('GET', '/api/staff', 200, json, page([missing]))).toMatch(/must have required property 'active'/);
    expect(check('GET', '/api/staff', 200, json, page([{ ...item, id: '1' }]))).toMatch(/id must be/);
    expect(check('GET', '/api/staff', 200, json, page([{ ...item, createdAt: 'yesterday' }]))).toMatch(/createdAt must match format/);
    expect(check('GET', '/api/staff', 418, json, {})).toMatch(/does not document/);
    expect(check('POST', '/api/staff', 409, json, { code: 409, message: 'x', error: 'TEMPLATE_NOT_FOUND' })).toMatch(/must be equal to one of the allowed values/);
  });

  it('serves Swagger UI at /docs from the swagger-ui-dist package (no CDN)', async () => {
    const page = await fetch(`${t.app.url}/docs`);
    expect(page.headers.get('content-type')).toMatch(/text\/html/);
    const html = await page.text();
    expect(html).toContain("url: '/openapi.json'");
    expect(html).not.toMatch(/https?:\/\//);
    const bundle = await fetch(`${t.app.url}/docs/swagger-ui-bundle.js`);
    expect(bundle.status).toBe(200);
    expect(Buffer.from(await bundle.arrayBuffer()).equals(readFileSync('node_modules/swagger-ui-dist/swagger-ui-bundle.js'))).toBe(true);
    expect((await t.call('GET', '/docs/package.json')).body.error).toBe('ROUTE_NOT_FOUND');
  });
});
