import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runBehavior } from '../../src/domain/customers/behavior-run.service.js';
import { MemberSchema } from '../../src/domain/members/member.entity.js';
import { MemberVisitSchema } from '../../src/domain/members/member-visit.entity.js';
import { connectOrm, type Orm } from '../../src/db/orm.js';
import { createTestDatabase, DIALECTS, type TestDatabase } from '../support/database.js';

const DAY = 86_400_000;
const AS_OF = new Date('2026-06-30T12:00:00Z');

/**
 * The visit_categories migration on a database that already holds visits: each existing visit's JSON
 * categories become member_visit_categories rows (the backfill goes by steps of visit ids; one visit
 * lies beyond the first step), and the favourites the behaviour run then computes from them are the
 * ones the visits say. Visits written afterwards are kept by the triggers.
 */
describe.each(DIALECTS)('migration visit_categories with visits present (%s)', (dialect) => {
  let db: TestDatabase;
  let orm: Orm;
  const sql = <T = any>(q: string, p: unknown[] = []) => orm.em.fork().getConnection().execute<T[]>(q, p);

  beforeAll(async () => {
    db = await createTestDatabase(dialect);
    orm = await connectOrm(db.target);
    const pending = (await orm.migrator.getPending()).map((m) => m.name);
    const mine = pending.findIndex((n) => n.endsWith('_visit_categories'));
    expect(mine).toBeGreaterThan(0);
    await orm.migrator.up({ to: pending[mine - 1]! });

    const em = orm.em.fork();
    for (const id of ['W1', 'W2']) em.create(MemberSchema, { id, name: `会员${id}`, tier: 'silver', joinedAt: new Date(AS_OF.getTime() - 400 * DAY) });
    await em.flush();
    const visits: Array<[string, number, string[]]> = [
      ['W1', 1, ['beer']], ['W1', 2, ['beer', 'snack']], ['W1', 3, ['snack']], ['W1', 4, ['snack', 'snack']], ['W1', 5, []],
      ['W2', 1, ['茶']], ['W2', 2, ['茶', 'wine']],
    ];
    for (const [member, d, categories] of visits) em.create(MemberVisitSchema, { member, visitedAt: new Date(AS_OF.getTime() - d * DAY), spendingFen: 1000, categories });
    // Categories omitted (the ORM stores the JSON string "[]"), older than 365 days: no rows.
    em.create(MemberVisitSchema, { member: 'W1', visitedAt: new Date(AS_OF.getTime() - 400 * DAY), spendingFen: 1000 });
    await em.flush();
    // A visit past the first backfill step of visit ids.
    const at = new Date(AS_OF.getTime() - 6 * DAY);
    await sql('insert into member_visits (id, member_id, visited_at, spending_fen, categories, created_at) values (450001, ?, ?, 1000, ?, ?)', [
      'W2', dialect === 'sqlite' ? at.getTime() : at.toISOString().slice(0, 19).replace('T', ' '), '["wine"]', dialect === 'sqlite' ? at.getTime() : at.toISOString().slice(0, 19).replace('T', ' '),
    ]);

    await orm.migrator.up();
  });
  afterAll(async () => {
    await orm?.close(true);
    await db?.drop();
  });

  it('gives every existing visit its category rows and the favourites follow them; new visits are kept too', async () => {
    const rows = await sql<{ member_id: string; visit_id: number; name: string }>(
      'select vc.member_id, vc.visit_id, k.name from member_visit_categories vc join visit_categories k on k.id = vc.category_id order by vc.member_id, vc.visit_id, k.name',
    );
    expect(rows.map((r) => `${r.member_id}:${r.name}`).sort()).toEqual(['W1:beer', 'W1:beer', 'W1:snack', 'W1:snack', 'W1:snack', 'W1:snack', 'W2:wine', 'W2:wine', 'W2:茶', 'W2:茶']);
    expect(rows.some((r) => Number(r.visit_id) === 450001)).toBe(true);

    await runBehavior(orm.em.fork(), { mode: 'full', now: AS_OF, timeZone: 'Asia/Shanghai', chunkSize: 10 });
    const favs = await sql<{ member_id: string; favorite_categories: unknown }>('select member_id, favorite_categories from member_behavior order by member_id');
    const json = (v: unknown) => (typeof v === 'string' ? JSON.parse(v) : v);
    // W1: snack 4, beer 2 of 5 visits (30 %: 1.5); W2: wine 2, 茶 2 of 3 (by name: wine before 茶).
    expect(favs.map((r) => [r.member_id, json(r.favorite_categories)])).toEqual([['W1', ['snack', 'beer']], ['W2', ['wine', '茶']]]);

    const em = orm.em.fork();
    em.create(MemberVisitSchema, { member: 'W2', visitedAt: new Date(AS_OF.getTime() - 7 * DAY), spendingFen: 1000, categories: ['茶'] });
    await em.flush();
    await runBehavior(orm.em.fork(), { mode: 'full', now: AS_OF, timeZone: 'Asia/Shanghai', chunkSize: 10 });
    const [w2] = await sql<{ favorite_categories: unknown }>("select favorite_categories from member_behavior where member_id = 'W2'");
    expect(json(w2!.favorite_categories)).toEqual(['茶', 'wine']);
  });
});
