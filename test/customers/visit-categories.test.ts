import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runBehavior } from '../../src/domain/customers/behavior-run.service.js';
import { MemberSchema } from '../../src/domain/members/member.entity.js';
import { MemberVisitSchema } from '../../src/domain/members/member-visit.entity.js';
import { bootApp, type TestApp } from '../support/app.js';
import { DIALECTS } from '../support/database.js';
import { waitFor } from '../support/wait-for.js';

const DAY = 86_400_000;
const AS_OF = new Date('2026-06-30T12:00:00Z');
const TZ = 'Asia/Shanghai';
const daysAgo = (d: number) => new Date(AS_OF.getTime() - d * DAY);

/**
 * Favourite categories are counted from member_visit_categories, which the database keeps equal to the
 * visits' JSON categories (triggers, foreign key): a visit written by any writer — the ORM (the demo
 * seed), the import (new rows and changed ones), plain SQL — or deleted must land there and move the
 * member's favourites the next run computes.
 */
describe.each(DIALECTS)('visit categories kept for every writer of member_visits (%s)', (dialect) => {
  let t: TestApp;
  let manager: { id: number; token: string };
  const sql = <T = any>(q: string, p: unknown[] = []) => t.app.orm.em.fork().getConnection().execute<T[]>(q, p);
  const at = (d: Date) => (dialect === 'sqlite' ? d.getTime() : d.toISOString().slice(0, 19).replace('T', ' '));

  /** Runs the nightly recompute and answers a member's (V1's) favourite categories. */
  const favourites = async (member = 'V1'): Promise<string[]> => {
    await runBehavior(t.app.orm.em.fork(), { mode: 'full', now: AS_OF, timeZone: TZ, chunkSize: 10 });
    const [row] = await sql<{ favorite_categories: unknown }>('select favorite_categories from member_behavior where member_id = ?', [member]);
    const v = row!.favorite_categories;
    return typeof v === 'string' ? JSON.parse(v) : (v as string[]);
  };

  /** member_visit_categories as (visit, category) pairs, against each visit's JSON unnested in JavaScript. */
  const keptAndExpected = async () => {
    const kept = await sql<{ visit_id: number; name: string }>('select vc.visit_id, k.name from member_visit_categories vc join visit_categories k on k.id = vc.category_id');
    const visits = await sql<{ id: number; categories: unknown }>('select id, categories from member_visits');
    // A list only: the ORM stores an omitted list as the JSON string "[]", no category.
    const list = (v: unknown): unknown => (typeof v === 'string' ? JSON.parse(v) : v);
    const expected = visits.flatMap((v) => (Array.isArray(list(v.categories)) ? (list(v.categories) as string[]) : []).map((c) => `${v.id}:${c}`));
    return { kept: kept.map((r) => `${r.visit_id}:${r.name}`).sort(), expected: expected.sort() };
  };

  const importVisits = async (rows: Array<[string, Date, number, string]>) => {
    const csv = ['会员编号,到店时间,消费金额,品类', ...rows.map(([m, d, yuan, cats]) => `${m},${d.toISOString()},${yuan},"${cats}"`)].join('\r\n') + '\r\n';
    const form = new FormData();
    form.set('kind', 'visits');
    form.set('file', new Blob([Buffer.from(csv, 'utf8')]), '到店.csv');
    const res = await fetch(`${t.app.url}/api/imports`, { method: 'POST', headers: { authorization: `Bearer ${manager.token}` }, body: form });
    expect(res.status).toBe(202);
    const id = ((await res.json()) as any).data.id;
    return waitFor(async () => {
      const job = await t.call('GET', `/api/imports/${id}`, { token: manager.token });
      return (job.body.data.status === 'completed' || job.body.data.status === 'failed') && job.body.data;
    }, `import ${id} to finish`, 120_000);
  };

  beforeAll(async () => {
    t = await bootApp(dialect);
    manager = await t.staffWithToken('manager', { name: '王经理', mobile: '13700000001' });
    const em = t.app.orm.em.fork();
    for (const id of ['V1', 'V2']) em.create(MemberSchema, { id, name: `会员${id}`, tier: 'silver', joinedAt: daysAgo(400) });
    await em.flush();
  });
  afterAll(async () => t?.close());

  it('the ORM (as the demo seed writes): three beer visits make beer the favourite', async () => {
    const em = t.app.orm.em.fork();
    for (const d of [3, 4, 5]) em.create(MemberVisitSchema, { member: 'V1', visitedAt: daysAgo(d), spendingFen: 1000, categories: ['beer'] });
    // Without categories (older than 365 days, so the shares below are of the recent visits): no rows.
    em.create(MemberVisitSchema, { member: 'V1', visitedAt: daysAgo(400), spendingFen: 1000 });
    await em.flush();
    expect(await favourites()).toEqual(['beer']);
    const { kept, expected } = await keptAndExpected();
    expect(kept).toEqual(expected);
    expect(kept).toHaveLength(3);
  });

  it('the import, new visits: four wine visits put wine first', async () => {
    const job = await importVisits([6, 7, 8, 9].map((d) => ['V1', daysAgo(d), 20, 'wine'] as [string, Date, number, string]));
    expect(job).toMatchObject({ status: 'completed', created: 4 });
    expect(await favourites()).toEqual(['wine', 'beer']);
    const { kept, expected } = await keptAndExpected();
    expect(kept).toEqual(expected);
  });

  it('the import, changed visits: two wine visits become snack, and only beer keeps 30 % of the visits', async () => {
    const job = await importVisits([6, 7].map((d) => ['V1', daysAgo(d), 20, 'snack'] as [string, Date, number, string]));
    expect(job).toMatchObject({ status: 'completed', created: 0, updated: 2 });
    // beer 3, wine 2, snack 2 of 7 visits: 30 % is 2.1.
    expect(await favourites()).toEqual(['beer']);
    const { kept, expected } = await keptAndExpected();
    expect(kept).toEqual(expected);
  });

  it('plain SQL, inserted and updated: a category listed twice in one visit counts twice, ties go by name', async () => {
    for (const d of [10, 11, 12]) {
      await sql('insert into member_visits (member_id, visited_at, spending_fen, categories, created_at) values (?, ?, ?, ?, ?)', ['V1', at(daysAgo(d)), 500, '["tea","snack"]', at(AS_OF)]);
    }
    // beer 3, wine 2, snack 5, tea 3 of 10 visits: snack, then beer and tea (3 each, by name).
    expect(await favourites()).toEqual(['snack', 'beer', 'tea']);
    await sql(`update member_visits set categories = ? where member_id = 'V1' and visited_at = ?`, ['["wine","wine"]', at(daysAgo(10))]);
    // beer 3, wine 4, snack 4, tea 2: snack and wine (4 each, by name), then beer.
    expect(await favourites()).toEqual(['snack', 'wine', 'beer']);
    await sql(`update member_visits set visited_at = ? where member_id = 'V1' and visited_at = ?`, [at(daysAgo(500)), at(daysAgo(11))]);
    // The visit moved out of the 365 days: beer 3, wine 4, snack 3, tea 1 of 9 (2.7).
    expect(await favourites()).toEqual(['wine', 'beer', 'snack']);
    const { kept, expected } = await keptAndExpected();
    expect(kept).toEqual(expected);
  });

  it('deleted visits and members take their rows along', async () => {
    await t.app.orm.em.fork().nativeDelete(MemberVisitSchema, { member: 'V1', spendingFen: 500 });
    // beer 3, wine 2, snack 2 of 7.
    expect(await favourites()).toEqual(['beer']);
    const afterVisits = await keptAndExpected();
    expect(afterVisits.kept).toEqual(afterVisits.expected);

    const em = t.app.orm.em.fork();
    em.create(MemberVisitSchema, { member: 'V2', visitedAt: daysAgo(1), spendingFen: 1000, categories: ['beer', 'tea'] });
    await em.flush();
    await t.app.orm.em.fork().nativeDelete(MemberSchema, { id: 'V1' });
    const [left] = await sql<{ n: number }>("select count(*) as n from member_visit_categories where member_id = 'V1'");
    expect(Number(left!.n)).toBe(0);
    const { kept, expected } = await keptAndExpected();
    expect(kept).toEqual(expected);
    expect(kept).toHaveLength(2);
  });

  it('four categories over 30 %: the three most frequent, ties by name, names that JSON quotes kept whole', async () => {
    const em = t.app.orm.em.fork();
    em.create(MemberSchema, { id: 'V3', name: '会员V3', tier: 'silver', joinedAt: daysAgo(400) });
    const all = ['啤酒', 'a\tb', 'a"\\b', 'a,b'];
    for (const [d, categories] of [[1, [...all, 'back\\slash']], [2, all], [3, all], [4, ['啤酒']]] as Array<[number, string[]]>) {
      em.create(MemberVisitSchema, { member: 'V3', visitedAt: daysAgo(d), spendingFen: 1000, categories });
    }
    await em.flush();
    // 啤酒 4, then a<tab>b, a"\b and a,b 3 each (by name: tab, quote, comma), back\slash 1, of 4 visits (30 % is 1.2).
    expect(await favourites('V3')).toEqual(['啤酒', 'a\tb', 'a"\\b']);
  });
});
