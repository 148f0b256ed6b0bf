import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DIALECTS } from '../support/database.js';
import { bootFullApp, CALLBACK_TOKEN, type FullApp } from '../support/full-app.js';
import { fuzzBodies, prng } from '../support/fuzz-bodies.js';
import { openApiResponseChecker } from '../support/openapi-check.js';
import { addCustomer } from '../outreach/outreach-fixtures.js';
import { openApiPath, routeSpecsOf, type RouteSpec } from '../../src/http/route-spec.js';
import { PERMISSIONS } from '../../src/domain/auth/permissions.js';
import { EventSchema } from '../../src/domain/events/event.entity.js';
import { MiniappIdentitySchema } from '../../src/domain/chat/miniapp-identity.entity.js';
import { MiniappTokens } from '../../src/miniapp-api/routes/miniapp/miniapp-token.js';

/**
 * Hostile input never answers 500: malformed bodies (wrong types, NUL, lone surrogates, huge and
 * negative numbers, extreme and impossible dates, deep and wide objects, operator keys, arrays where
 * objects belong) posted to every POST/PUT/PATCH route in the route registry, with a token holding
 * every permission. Seeded (FUZZ_SEED) and bounded (FUZZ_CASES per route, FUZZ_BUDGET_MS per dialect).
 * Each answer must also match what /openapi.json documents for it. A failure prints its reproducer.
 */
const SEED = Number(process.env.FUZZ_SEED ?? 20261122);
const CASES_PER_ROUTE = Number(process.env.FUZZ_CASES ?? 28);
const BUDGET_MS = Number(process.env.FUZZ_BUDGET_MS ?? 25_000);
/** Cases every route gets whatever the budget says (a loaded machine shortens the rest, never this). */
const MIN_CASES_PER_ROUTE = 6;

describe.each(DIALECTS)('fuzzing every write route on %s', (dialect) => {
  let t: FullApp;
  let admin: { id: number; token: string };
  let miniappToken: string;
  let hints: Record<string, unknown>;
  let invitationId: string;
  beforeAll(async () => {
    // Notifications to WeCom members are paced per minute; the fuzz must not wait on the pacer.
    t = await bootFullApp(dialect, { WECOM_SENDS_PER_MEMBER_PER_MINUTE: '29' });
    admin = await t.staffWithToken('admin');
    const em = t.app.orm.em.fork();
    const customer = await addCustomer(em, { id: `CUST_FUZZ_${dialect}`, segment: 'VIP' } as never);
    em.create(EventSchema, { id: 'EVENT_FUZZ', name: '模糊测试之夜', eventDate: new Date(Date.now() + 30 * 86_400_000) } as never);
    const identity = em.create(MiniappIdentitySchema, { openId: `fuzz-${dialect}`, sessionKey: 'k', lastLoginAt: new Date(), customer: customer.id } as never);
    await em.flush();
    miniappToken = (await new MiniappTokens(t.app.config.auth.appSecret, 3600).issue(identity.id)).token;
    const template = await t.call('POST', '/api/ai-ops/outreach/templates', {
      token: admin.token,
      json: { code: 'TPL_FUZZ', name: '模糊', category: 'notification', vendorTemplateId: '100001', content: '您好{1}', paramNames: ['name'] },
    });
    expect(template.status).toBe(201);
    const invitation = await t.call('POST', '/api/ai-ops/outreach/invitation', { token: admin.token, json: { customerId: customer.id, eventId: 'EVENT_FUZZ' } });
    expect(invitation.status).toBe(201);
    invitationId = invitation.body.data.id;
    hints = { customerId: customer.id, eventId: 'EVENT_FUZZ', templateId: 'TPL_FUZZ', phoneNumber: '13800138000', mobile: '13800138000', staffId: admin.id, contactId: 'C1', params: ['张先生'] };
  });
  afterAll(async () => t?.close());

  it('holds a token with every permission', async () => {
    const me = await t.call('GET', '/api/me', { token: admin.token });
    expect([...me.body.data.permissions].sort()).toEqual([...PERMISSIONS].sort());
  });

  it('never answers 500, and every answer is one the document describes', async () => {
    const doc = (await (await fetch(`${t.app.url}/openapi.json`)).json()) as any;
    const check = openApiResponseChecker(doc);
    const specs: RouteSpec[] = (t.app.http.middleware as Array<{ router?: object }>).flatMap((mw) => (mw.router ? [...routeSpecsOf(mw.router)] : []));
    const writes = specs.filter((s) => s.method === 'post' || s.method === 'put' || s.method === 'patch');
    expect(writes.length).toBeGreaterThanOrEqual(25);
    const random = prng(SEED);
    const started = Date.now();
    const failures: string[] = [];
    let sent = 0;
    const pathFor = (spec: RouteSpec) =>
      spec.path.replace(/:([A-Za-z0-9_]+)/g, (_, name: string) =>
        name === 'token' ? CALLBACK_TOKEN : name === 'code' ? 'TPL_FUZZ' : name === 'id' && spec.path.includes('invitations') ? invitationId : '1',
      );
    for (const spec of writes) {
      const op = doc.paths[openApiPath(spec.path)][spec.method];
      const bodySchema = op.requestBody?.content?.['application/json']?.schema;
      const token = spec.access.kind === 'staff' ? admin.token : spec.access.kind === 'miniapp' ? miniappToken : undefined;
      const path = pathFor(spec);
      let cases = 0;
      for (const fuzz of fuzzBodies(bodySchema, hints, random, CASES_PER_ROUTE)) {
        if (cases >= MIN_CASES_PER_ROUTE && Date.now() - started > BUDGET_MS) break;
        cases += 1;
        const body = JSON.stringify(fuzz.body);
        const headers: Record<string, string> = { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) };
        let problem: string | undefined;
        try {
          const res = await fetch(`${t.app.url}${path}`, { method: spec.method.toUpperCase(), headers, body, signal: AbortSignal.timeout(15_000) });
          const text = await res.text();
          let parsed: unknown = text;
          try {
            parsed = JSON.parse(text);
          } catch {
            /* not JSON */
          }
          problem = res.status === 500 ? `answered 500: ${text.slice(0, 300)}` : check(spec.method, path, res.status, res.headers.get('content-type'), parsed);
        } catch (err) {
          problem = `no answer: ${(err as Error).message}`;
        }
        sent += 1;
        if (problem) {
          failures.push(
            `[${dialect} seed ${SEED}] ${spec.method.toUpperCase()} ${spec.path} (${fuzz.name}): ${problem}\n  reproduce: curl -X ${spec.method.toUpperCase()} '${path}' -H 'content-type: application/json'${token ? ` -H 'authorization: Bearer <${spec.access.kind} token>'` : ''} --data-binary '${body.length > 400 ? `${body.slice(0, 400)}…(${body.length} bytes)` : body}'`,
          );
        }
      }
    }
    console.log(`fuzz ${dialect}: ${sent} requests to ${writes.length} routes in ${Date.now() - started} ms (seed ${SEED})`);
    expect(failures, failures.slice(0, 15).join('\n')).toEqual([]);
    expect(sent).toBeGreaterThan(writes.length * 5);
  }, 120_000);

  it('never answers 500 to hostile query strings and path segments of the read routes', async () => {
    const doc = (await (await fetch(`${t.app.url}/openapi.json`)).json()) as any;
    const check = openApiResponseChecker(doc);
    const specs: RouteSpec[] = (t.app.http.middleware as Array<{ router?: object }>).flatMap((mw) => (mw.router ? [...routeSpecsOf(mw.router)] : []));
    const reads = specs.filter((s) => s.method === 'get' && (s.query || s.params) && !s.path.startsWith('/docs'));
    const random = prng(SEED + 1);
    // Percent-encoded as sent: NUL, SQL, numbers out of range, JSON, invalid UTF-8 (a surrogate's bytes), long, impossible date.
    const values = ['\u0000', "'; drop table staff; --", '1e400', '-1', '99999999999999999999', '0x10', '[]', '{"$gt":""}', 'x'.repeat(3000), '2026-02-30']
      .map(encodeURIComponent)
      .concat(['%ED%A0%80', '%FF%FE', '%']);
    const failures: string[] = [];
    let sent = 0;
    for (const spec of reads) {
      const token = spec.access.kind === 'staff' ? admin.token : spec.access.kind === 'miniapp' ? miniappToken : undefined;
      const params = (doc.paths[openApiPath(spec.path)].get.parameters ?? []) as Array<{ name: string; in: 'query' | 'path' }>;
      for (const param of params) {
        for (const value of values.filter(() => random() < 0.5)) {
          const path = spec.path.replace(/:([A-Za-z0-9_]+)/g, (_, name: string) => (name === param.name ? value : name === 'code' ? 'TPL_FUZZ' : '1'));
          const url = param.in === 'query' ? `${path}?${param.name}=${value}&${param.name}=2` : path;
          const res = await fetch(`${t.app.url}${url}`, { headers: token ? { authorization: `Bearer ${token}` } : {}, signal: AbortSignal.timeout(15_000) });
          sent += 1;
          const text = await res.text();
          let parsed: unknown = text;
          try {
            parsed = JSON.parse(text);
          } catch {
            /* not JSON */
          }
          const problem = res.status === 500 ? `answered 500: ${text.slice(0, 300)}` : check('GET', url, res.status, res.headers.get('content-type'), parsed);
          if (problem) failures.push(`[${dialect} seed ${SEED}] GET ${url.slice(0, 200)}: ${problem}`);
        }
      }
    }
    console.log(`fuzz ${dialect}: ${sent} read requests to ${reads.length} routes (seed ${SEED})`);
    expect(failures, failures.slice(0, 15).join('\n')).toEqual([]);
  }, 60_000);
});
