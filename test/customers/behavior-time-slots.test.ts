import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runBehavior } from '../../src/domain/customers/behavior-run.service.js';
import { MemberSchema } from '../../src/domain/members/member.entity.js';
import { MemberVisitSchema } from '../../src/domain/members/member-visit.entity.js';
import { createMigratedOrm, DIALECTS } from '../support/database.js';
import { AS_OF, DAY, TZ } from './intelligence-fixtures.js';

/** A visit `daysAgo` days before AS_OF at hh:mm Beijing time (UTC+8). */
const beijing = (daysAgo: number, hh: number, mm: number) => new Date(Date.UTC(2026, 5, 30 - daysAgo, hh - 8, mm));

/** One visit each, at either side of every slot boundary: the member's only slot is the one the time falls in. */
const EDGES: Record<string, [hh: number, mm: number, slot: string]> = {
  T0459: [4, 59, 'night'],
  T0500: [5, 0, 'morning'],
  T1059: [10, 59, 'morning'],
  T1100: [11, 0, 'afternoon'],
  T1659: [16, 59, 'afternoon'],
  T1700: [17, 0, 'evening'],
  T2059: [20, 59, 'evening'],
  T2100: [21, 0, 'night'],
};
/** Four night, four afternoon, two morning, one evening visit within 365 days, and an afternoon one before. */
const MIXED: Array<[daysAgo: number, hh: number, mm: number]> = [
  [3, 23, 59], [4, 0, 0], [5, 2, 30], [6, 21, 15],
  [7, 12, 0], [8, 13, 0], [9, 14, 0], [10, 15, 0],
  [11, 6, 0], [12, 9, 0],
  [13, 18, 0],
  [400, 12, 0],
];

describe.each(DIALECTS)('preferred time slots and night share on %s', (dialect) => {
  let ctx: Awaited<ReturnType<typeof createMigratedOrm>>;
  const sql = <T = any>(q: string, p: unknown[] = []) => ctx.orm.em.fork().getConnection().execute<T[]>(q, p);

  beforeAll(async () => {
    ctx = await createMigratedOrm(dialect);
    const em = ctx.orm.em.fork();
    const member = (id: string) =>
      em.create(MemberSchema, { id, name: `会员${id}`, phone: `+8613700${id.slice(1).padStart(6, '0')}`, phoneLast8: `00${id.slice(1).padStart(6, '0')}`, tier: 'silver', status: 'active', joinedAt: new Date(AS_OF.getTime() - 500 * DAY) });
    for (const [id, [hh, mm]] of Object.entries(EDGES)) em.create(MemberVisitSchema, { member: member(id), visitedAt: beijing(2, hh, mm), spendingFen: 1000, categories: [] });
    const mixed = member('T9999');
    for (const [daysAgo, hh, mm] of MIXED) em.create(MemberVisitSchema, { member: mixed, visitedAt: beijing(daysAgo, hh, mm), spendingFen: 1000, categories: [] });
    await em.flush();
    await runBehavior(ctx.orm.em.fork(), { mode: 'full', now: AS_OF, timeZone: TZ, chunkSize: 4 });
  });
  afterAll(async () => ctx?.close());

  it('puts a visit at each side of every slot boundary in the slot its Beijing hour falls in', async () => {
    const rows = await sql<{ member_id: string; preferred_time_slots: unknown; night_share: unknown }>("select member_id, preferred_time_slots, night_share from member_behavior where member_id like 'T0%' or member_id like 'T1%' or member_id like 'T2%' order by member_id");
    const json = (v: unknown) => (typeof v === 'string' ? JSON.parse(v) : v);
    expect(Object.fromEntries(rows.map((r) => [r.member_id, json(r.preferred_time_slots)]))).toEqual(Object.fromEntries(Object.entries(EDGES).map(([id, [, , slot]]) => [id, [slot]])));
    expect(Object.fromEntries(rows.map((r) => [r.member_id, Number(r.night_share)]))).toEqual(Object.fromEntries(Object.entries(EDGES).map(([id, [, , slot]]) => [id, slot === 'night' ? 1 : 0])));
  });

  it('ranks the slots of the 365-day visits (ties alphabetical) and counts the night share of them', async () => {
    const [row] = await sql<{ preferred_time_slots: unknown; night_share: unknown; visits_365d: unknown }>("select preferred_time_slots, night_share, visits_365d from member_behavior where member_id = 'T9999'");
    const json = (v: unknown) => (typeof v === 'string' ? JSON.parse(v) : v);
    // 11 visits within 365 days: night 4 and afternoon 4 (36 % each, tied: alphabetical), morning 2, evening 1; the 400-day-old visit counts nowhere.
    expect(Number(row!.visits_365d)).toBe(11);
    expect(json(row!.preferred_time_slots)).toEqual(['afternoon', 'night']);
    expect(Number(row!.night_share)).toBe(0.36);
  });
});
