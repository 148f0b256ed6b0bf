import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runBehavior } from '../../src/domain/customers/behavior-run.service.js';
import { BEHAVIOR_JOB } from '../../src/domain/customers/behavior-run.service.js';
import { audiencePhones } from '../../src/domain/customers/audience.query.js';
import { bootApp, type TestApp } from '../support/app.js';
import { DIALECTS } from '../support/database.js';
import { waitFor } from '../support/wait-for.js';
import { AS_OF, TZ, seedMembers } from './intelligence-fixtures.js';

const SEGMENT = '/api/ai-ops/customer/segment';
const TAGS = '/api/ai-ops/customer/tags';

describe.each(DIALECTS)('customer intelligence over HTTP on %s', (dialect) => {
  let t: TestApp;
  let manager: { id: number; token: string };
  let sales: { id: number; token: string };

  beforeAll(async () => {
    t = await bootApp(dialect);
    manager = await t.staffWithToken('manager');
    sales = await t.staffWithToken('sales');
    await seedMembers(t.app.orm.em.fork());
    await runBehavior(t.app.orm.em.fork(), { mode: 'full', now: AS_OF, timeZone: TZ });
  });
  afterAll(async () => t?.close());

  it('shows the six segments with count, share, average spending, the rule and the cut points', async () => {
    const res = await t.call('GET', SEGMENT, { token: manager.token });
    expect(res.status).toBe(200);
    const data = res.body.data;
    expect(data.total).toBe(11);
    expect(data.segments.map((s: any) => [s.id, s.name, s.count])).toEqual([
      ['new', '新客户', 1], ['churn_risk', '流失风险客户', 1], ['VIP', 'VIP客户', 1], ['loyal', '忠诚客户', 2], ['potential', '潜力客户', 1], ['regular', '普通客户', 5],
    ]);
    const vip = data.segments.find((s: any) => s.id === 'VIP');
    expect(vip).toMatchObject({ share: 0.0909, avgSpendingFen: 50_000, avgSpending365dFen: 500_000, rule: { r: [4, 5], f: [4, 5], m: [4, 5], text: 'R≥4 且 F≥4 且 M≥4' } });
    expect(data.segments[0].rule.text).toBe('首次到店（无到店则入会）在30天内');
    expect(data.thresholds).toMatchObject({ population: 10, recencyDays: { p20: 5, p40: 10, p60: 20, p80: 60 }, spending365dFen: { p80: 90_000 } });
  });

  it('lists a segment\'s members a page at a time with masked numbers', async () => {
    const res = await t.call('GET', `${SEGMENT}?segment=regular&page=2&size=2`, { token: manager.token });
    expect(res.status).toBe(200);
    expect(res.body.data).toMatchObject({ total: 5, size: 2, current: 2, pages: 3 });
    expect(res.body.data.records.map((r: any) => r.memberId)).toEqual(['M09', 'M10']);
    expect(res.body.data.records[0]).toMatchObject({ phone: '138****0009', rfm: { r: 2, f: 1, m: 1 }, churnRisk: 0.5, lastVisitDate: '2026-05-01' });
    expect((await t.call('GET', `${SEGMENT}?segment=gold`, { token: manager.token })).status).toBe(422);
    expect((await t.call('GET', SEGMENT, { token: sales.token })).status).toBe(403);
  });

  it('answers a member\'s tags with their rules, and refuses unknown members and bad bodies', async () => {
    const res = await t.call('POST', TAGS, { token: manager.token, json: { memberIds: ['M12', 'M11'] } });
    expect(res.status).toBe(200);
    const [m11, m12] = res.body.data.members;
    expect(m11).toEqual({ memberId: 'M11', tags: [] });
    expect(m12.tags.map((x: any) => x.tag)).toEqual(['dormant', 'churn_risk', 'low_value']);
    expect(m12.tags[0]).toEqual({ tag: 'dormant', kind: 'behavior', rule: '90天及以上未到店（从未到店则自入会起算）' });
    const missing = await t.call('POST', TAGS, { token: manager.token, json: { memberId: 'NOPE' } });
    expect(missing.status).toBe(404);
    expect(missing.body).toMatchObject({ error: 'MEMBER_NOT_FOUND', details: { memberIds: ['NOPE'] } });
    const bad = await t.call('POST', TAGS, { token: manager.token, json: { memberId: 'M01', all: true } });
    expect(bad.status).toBe(422);
    expect((await t.call('POST', TAGS, { token: sales.token, json: { memberId: 'M01' } })).status).toBe(403);
  });

  it('recomputes everyone in the background on request, with progress in /api/jobs', async () => {
    const res = await t.call('POST', TAGS, { token: manager.token, json: { all: true } });
    expect(res.status).toBe(202);
    expect(res.body.data.tags).toHaveLength(15);
    expect(res.body.data.tags.find((x: any) => x.tag === 'beer_lover')).toMatchObject({ kind: 'preference', members: 1 });
    const finished = await waitFor(async () => {
      const jobs = await t.call('GET', `/api/jobs?name=${BEHAVIOR_JOB}`, { token: manager.token });
      const runs = (await t.app.orm.em.fork().getConnection().execute('select status from behavior_runs order by id')) as Array<{ status: string }>;
      return runs.length === 2 && runs[1]!.status === 'completed' ? jobs : undefined;
    }, 'the queued run', 60_000);
    expect(finished.status).toBe(200);
    const run = await t.call('POST', '/api/ai-ops/customer/behavior/run', { token: manager.token, json: { mode: 'incremental' } });
    expect(run.status).toBe(202);
    expect(run.body.data.mode).toBe('incremental');
  });

  it('selects SMS audiences by tag and by segment: customer contacts and members\' own numbers', async () => {
    const em = t.app.orm.em.fork();
    const beer = await audiencePhones(em, { tags: ['beer_lover'] }, AS_OF);
    expect(beer.map((r) => [r.e164, r.customerId])).toEqual([['+8613900000001', 'CUST_M01'], ['+8613800000001', 'CUST_M01']]);
    const loyal = await audiencePhones(em, { segments: ['loyal'] }, AS_OF);
    expect(loyal.map((r) => r.e164).sort()).toEqual(['+8613800000002', '+8613800000007']);
  });
});
