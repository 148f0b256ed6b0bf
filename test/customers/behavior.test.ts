import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runBehavior } from '../../src/domain/customers/behavior-run.service.js';
import { MemberVisitSchema } from '../../src/domain/members/member-visit.entity.js';
import { createMigratedOrm, DIALECTS } from '../support/database.js';
import { AS_OF, MEMBERS, TZ, seedMembers } from './intelligence-fixtures.js';

const SEGMENTS: Record<string, string | null> = {
  M01: 'VIP', M02: 'loyal', M03: 'potential', M04: 'regular', M05: 'churn_risk', M06: 'new',
  M07: 'loyal', M08: 'regular', M09: 'regular', M10: 'regular', M11: null, M12: 'regular',
};
const SCORES: Record<string, [number, number, number]> = {
  M01: [5, 5, 5], M02: [5, 5, 3], M03: [4, 2, 5], M04: [3, 3, 3], M05: [1, 4, 4], M06: [5, 1, 2],
  M07: [3, 4, 4], M08: [1, 1, 1], M09: [2, 1, 1], M10: [2, 2, 2], M12: [1, 1, 1],
};
const TAGS: Record<string, string[]> = {
  M01: ['high_frequency', 'active', 'beer_lover', 'high_value'],
  M02: ['high_frequency', 'active', 'wine_lover', 'medium_value'],
  M03: ['low_frequency', 'active', 'package_buyer', 'high_value', 'potential'],
  M04: ['active', 'snack_lover', 'medium_value'],
  M05: ['dormant', 'churn_risk', 'medium_value'],
  M06: ['low_frequency', 'active', 'low_value'],
  M07: ['active', 'night_visitor', 'medium_value'],
  M08: ['dormant', 'churn_risk', 'low_value'],
  M09: ['low_frequency', 'low_value', 'responsive'],
  M10: ['low_frequency', 'low_value'],
  M11: [],
  M12: ['dormant', 'churn_risk', 'low_value'],
};

describe.each(DIALECTS)('behaviour, RFM, segments and tags in SQL on %s', (dialect) => {
  let ctx: Awaited<ReturnType<typeof createMigratedOrm>>;
  const sql = <T = any>(q: string, p: unknown[] = []) => ctx.orm.em.fork().getConnection().execute<T[]>(q, p);

  beforeAll(async () => {
    ctx = await createMigratedOrm(dialect);
    await seedMembers(ctx.orm.em.fork());
  });
  afterAll(async () => ctx?.close());

  it('resumes a run that stopped after its first chunk and ends where an uninterrupted run would', async () => {
    let chunks = 0;
    await expect(
      runBehavior(ctx.orm.em.fork(), { mode: 'full', now: AS_OF, timeZone: TZ, chunkSize: 3, onProgress: async () => {
        if (++chunks === 1) throw new Error('worker died');
      } }),
    ).rejects.toThrow('worker died');
    const [stopped] = await sql('select * from behavior_runs');
    expect(stopped).toMatchObject({ status: 'running', step: 'behavior', cursor: 'M03' });
    const progress: number[] = [];
    const summary = await runBehavior(ctx.orm.em.fork(), { mode: 'full', now: new Date(), timeZone: TZ, chunkSize: 3, onProgress: async (p) => void progress.push(p) });
    expect(summary).toMatchObject({ resumed: true, mode: 'full', members: 12 });
    expect(progress.at(-1)).toBe(100);
  });

  it('computes the behaviour figures, the churn risk by the documented formula and the favourite categories and slots', async () => {
    const rows = await sql('select * from member_behavior order by member_id');
    const by = Object.fromEntries(rows.map((r: any) => [r.member_id, r]));
    expect(Object.keys(by)).toEqual(Object.keys(MEMBERS));
    const json = (v: unknown) => (typeof v === 'string' ? JSON.parse(v) : v);
    expect(by.M01).toMatchObject({ visit_frequency: 10, avg_spending_fen: 50_000, total_spending_fen: 500_000, visits_365d: 10, recency_days: 1 });
    expect(String(by.M01.last_visit_date).slice(0, 10) === '2026-06-29' || new Date(by.M01.last_visit_date).toISOString().startsWith('2026-06-2')).toBe(true);
    expect(json(by.M01.favorite_categories)).toEqual(['beer']);
    expect(json(by.M01.preferred_time_slots)).toEqual(['evening']);
    expect(json(by.M07.preferred_time_slots)).toEqual(['night']);
    expect(Number(by.M07.night_share)).toBe(1);
    expect(json(by.M09.favorite_categories)).toEqual([]);
    // Two campaigns sent, one answered; the holdout row of a third (sent nothing) does not count.
    expect(Number(by.M09.response_rate)).toBe(50);
    expect(Number(by.M09.campaigns_received)).toBe(2);
    expect(Number(by.M04.avg_spending_fen)).toBe(6667);
    const churn = Object.fromEntries(rows.map((r: any) => [r.member_id, Number(r.churn_risk)]));
    expect(churn).toMatchObject({ M01: 0, M02: 0, M04: 0, M05: 1, M07: 0, M08: 1, M09: 0.5, M10: 0, M12: 1 });
    expect(Number(by.M05.usual_interval_days)).toBe(20);
    expect(by.M12).toMatchObject({ visit_count: 0, recency_days: 400, visits_365d: 0 });
  });

  it('scores RFM by quintiles over active members, stores the cut points and reaches every segment', async () => {
    const cuts = (await sql('select dimension, p20, p40, p60, p80, population from rfm_thresholds')).sort((a: any, b: any) => (a.dimension < b.dimension ? -1 : 1));
    expect(cuts.map((c: any) => [c.dimension, Number(c.p20), Number(c.p40), Number(c.p60), Number(c.p80), Number(c.population)])).toEqual([
      ['f', 1, 2, 3, 6, 10],
      ['m', 5000, 12_000, 25_000, 90_000, 10],
      ['r', 5, 10, 20, 60, 10],
    ]);
    const rows = await sql('select b.member_id, b.r_score, b.f_score, b.m_score, b.segment, m.segment as member_segment from member_behavior b join members m on m.id = b.member_id order by b.member_id');
    for (const r of rows as any[]) {
      expect([r.member_id, r.segment, r.member_segment]).toEqual([r.member_id, SEGMENTS[r.member_id], SEGMENTS[r.member_id]]);
      if (SCORES[r.member_id]) expect([r.member_id, r.r_score, r.f_score, r.m_score]).toEqual([r.member_id, ...SCORES[r.member_id]!]);
    }
    expect(new Set(Object.values(SEGMENTS).filter(Boolean)).size).toBe(6);
    const [customer] = await sql("select segment from customers where id = 'CUST_M01'");
    expect(customer.segment).toBe('VIP');
    const stats = await sql('select segment, members from segment_stats order by segment');
    expect(Object.fromEntries(stats.map((s: any) => [s.segment, Number(s.members)]))).toEqual({ VIP: 1, loyal: 2, potential: 1, regular: 5, churn_risk: 1, new: 1 });
  });

  it('gives every one of the seed\'s fifteen tags by its rule, to active members only', async () => {
    const rows = await sql('select member_id, tag from member_tags order by member_id, tag');
    const got: Record<string, string[]> = Object.fromEntries(Object.keys(MEMBERS).map((id) => [id, []]));
    for (const r of rows as any[]) got[r.member_id]!.push(r.tag);
    for (const id of Object.keys(MEMBERS)) expect([id, [...got[id]!].sort()]).toEqual([id, [...TAGS[id]!].sort()]);
    expect(new Set(rows.map((r: any) => r.tag)).size).toBe(15);
  });

  it('an incremental run recomputes only the members with new visits, against the stored cut points', async () => {
    const em = ctx.orm.em.fork();
    em.create(MemberVisitSchema, { member: 'M09', visitedAt: new Date(AS_OF.getTime() - 3_600_000), spendingFen: 40_000, categories: ['wine'] });
    await em.flush();
    const [before] = await sql("select updated_at from member_behavior where member_id = 'M08'");
    const summary = await runBehavior(ctx.orm.em.fork(), { mode: 'incremental', now: AS_OF, timeZone: TZ, chunkSize: 3 });
    expect(summary).toMatchObject({ mode: 'incremental', members: 1, resumed: false });
    const [m09] = await sql("select r_score, f_score, m_score, segment, recency_days from member_behavior where member_id = 'M09'");
    expect([m09.r_score, m09.f_score, m09.m_score, m09.recency_days].map(Number)).toEqual([5, 2, 4, 0]);
    const tags = (await sql("select tag from member_tags where member_id = 'M09'")).map((r: any) => r.tag).sort();
    // 45,000 fen over two visits: M rises to 4 with F still 2, so M09 is now a potential customer.
    expect(m09.segment).toBe('potential');
    expect(tags).toEqual(['active', 'low_frequency', 'medium_value', 'potential', 'responsive', 'wine_lover']);
    const [after] = await sql("select updated_at from member_behavior where member_id = 'M08'");
    expect(after.updated_at).toEqual(before.updated_at);
  });

  it('an incremental run that empties a segment leaves segment_stats as a recount would: no row for it', async () => {
    // M05, the one churn risk (R 1), visits today: R rises and the churn-risk segment has no member left.
    const em = ctx.orm.em.fork();
    em.create(MemberVisitSchema, { member: 'M05', visitedAt: new Date(AS_OF.getTime() - 3_600_000), spendingFen: 30_000, categories: ['wine'] });
    await em.flush();
    await runBehavior(ctx.orm.em.fork(), { mode: 'incremental', now: AS_OF, timeZone: TZ, chunkSize: 3 });
    const [m05] = await sql("select segment from member_behavior where member_id = 'M05'");
    expect(m05.segment).not.toBe('churn_risk');
    const counts = (q: string) => sql(q).then((rows) => Object.fromEntries(rows.map((r: any) => [r.segment, Number(r.members)])));
    const stored = await counts('select segment, members from segment_stats');
    expect(stored).toEqual(await counts('select segment, count(*) as members from member_behavior where segment is not null group by segment'));
    expect(stored).not.toHaveProperty('churn_risk');
  });
});
