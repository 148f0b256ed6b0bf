import type { EntityManager } from '@mikro-orm/core';
import { SqlitePlatform, type AbstractSqlConnection } from '@mikro-orm/sql';
import { DEFAULT_INTERVAL_DAYS, FAVOURITE_SHARE, FREQUENCY_WINDOW_DAYS, RFM_WINDOW_DAYS, cutPositions, type Cuts, type SegmentRuleData } from './rfm.policy.js';
import { TAG_RULES } from './tag-rules.js';

/**
 * The set-based statements of the behaviour run (seed 001 §2.1-2.2): every figure, score, segment and
 * tag is computed by the database over a chunk of members at a time, never member by member in
 * JavaScript. Values are bound parameters only. The few spellings MariaDB and SQLite do not share
 * (date arithmetic, JSON unnesting, ordered GROUP_CONCAT, multi-table UPDATE) are the `Sql` helpers below.
 */

/** A chunk of members: ids in (lo, hi], optionally only the listed ones (an incremental run). */
export type Scope = { lo: string; hi: string; ids?: string[] };

type Dialect = 'mysql' | 'sqlite';
const DAY_MS = 86_400_000;

export class BehaviorSql {
  readonly dialect: Dialect;
  readonly #conn: AbstractSqlConnection;

  constructor(em: EntityManager) {
    this.#conn = em.getConnection() as AbstractSqlConnection;
    this.dialect = em.getPlatform() instanceof SqlitePlatform ? 'sqlite' : 'mysql';
  }

  rows<T = Record<string, unknown>>(sql: string, params: unknown[] = []): Promise<T[]> {
    return this.#conn.execute<T[]>(sql, params, 'all');
  }

  async run(sql: string, params: unknown[] = []): Promise<number> {
    return (await this.#conn.execute<{ affectedRows: number }>(sql, params, 'run')).affectedRows;
  }

  /** A datetime as the column stores it: epoch ms on SQLite (as MikroORM does), UTC text on MariaDB. */
  date(d: Date): number | string {
    return this.dialect === 'sqlite' ? d.getTime() : d.toISOString().slice(0, 23).replace('T', ' ');
  }

  /** Days (fractional) from datetime expression `expr` to the bound instant (one `?`). */
  daysUntil(expr: string): string {
    return this.dialect === 'sqlite' ? `((? - ${expr}) / 86400000.0)` : `(timestampdiff(second, ${expr}, ?) / 86400.0)`;
  }

  /** Days (fractional) between two datetime expressions. */
  daysBetween(from: string, to: string): string {
    return this.dialect === 'sqlite' ? `((${to} - ${from}) / 86400000.0)` : `(timestampdiff(second, ${from}, ${to}) / 86400.0)`;
  }

  /** The hour 0-23 of a datetime in business time (one `?`: the zone's offset in minutes). */
  localHour(expr: string): string {
    return this.dialect === 'sqlite' ? `(((${expr} / 1000 + ? * 60) % 86400) / 3600)` : `hour(date_add(${expr}, interval ? minute))`;
  }

  /** The business-time date (YYYY-MM-DD) of a datetime (one `?`: the offset in minutes). */
  localDate(expr: string): string {
    return this.dialect === 'sqlite' ? `date(${expr} / 1000 + ? * 60, 'unixepoch')` : `date(date_add(${expr}, interval ? minute))`;
  }

  least(a: string, b: string): string {
    return this.dialect === 'sqlite' ? `min(${a}, ${b})` : `least(${a}, ${b})`;
  }

  greatest(a: string, b: string): string {
    return this.dialect === 'sqlite' ? `max(${a}, ${b})` : `greatest(${a}, ${b})`;
  }

  /** A JSON array text of the non-null `value`s in `order`, or NULL when there is none. */
  jsonArrayAgg(value: string, order: string): string {
    return this.dialect === 'sqlite'
      ? `('[' || group_concat(json_quote(${value}), ',' order by ${order}) || ']')`
      : `concat('[', group_concat(json_quote(${value}) order by ${order} separator ','), ']')`;
  }

  /** The unnested category column of `unnestCategories`. */
  get category(): string {
    return this.dialect === 'sqlite' ? 'c.value' : 'c.category';
  }

  /** FROM-clause items: member_visits as `visit`, each of its JSON categories as `c` (column `category`). */
  unnestCategories(visit: string): string {
    return this.dialect === 'sqlite'
      ? `member_visits ${visit} cross join json_each(${visit}.categories) c`
      : `member_visits ${visit} cross join json_table(${visit}.categories, '$[*]' columns (category varchar(64) path '$')) c`;
  }
}

/** `col > ? and col <= ?` (and `col in (?)` for a listed chunk) with its parameters. */
function inScope(col: string, scope: Scope): { sql: string; params: unknown[] } {
  if (scope.ids) return { sql: `${col} > ? and ${col} <= ? and ${col} in (?)`, params: [scope.lo, scope.hi, scope.ids] };
  return { sql: `${col} > ? and ${col} <= ?`, params: [scope.lo, scope.hi] };
}

/** The upper member id of the next chunk after `after` (at most `size` members), or null when done. */
export async function nextChunkEnd(db: BehaviorSql, after: string, size: number): Promise<string | null> {
  const [row] = await db.rows<{ hi: string | null }>('select max(id) as hi from (select id from members where id > ? order by id limit ?) t', [after, size]);
  return row?.hi ?? null;
}

/** Members with visits added after `fromVisitId` up to `toVisitId`, sorted (an incremental run's members). */
export async function membersWithNewVisits(db: BehaviorSql, fromVisitId: number, toVisitId: number): Promise<string[]> {
  const rows = await db.rows<{ member_id: string }>('select distinct member_id from member_visits where id > ? and id <= ? order by member_id', [fromVisitId, toVisitId]);
  return rows.map((r) => r.member_id);
}

export async function maxVisitId(db: BehaviorSql): Promise<number> {
  const [row] = await db.rows<{ id: number | null }>('select max(id) as id from member_visits');
  return Number(row?.id ?? 0);
}

export type RunClock = { asOf: Date; offsetMinutes: number };

/**
 * Recomputes member_behavior for the chunk: one DELETE and one INSERT … SELECT that aggregates the
 * chunk's visits (counts, spending, first/last visit, 90- and 365-day windows), its favourite categories
 * and time slots (shares of the 365-day visits, ≥ 30 %, most first, at most three categories) and its
 * campaign responses (rows of campaigns it was sent: holdout rows received nothing and do not count), and derives recency, usual interval and churn risk (rfm.policy.ts) in the same SELECT.
 */
export async function recomputeBehavior(db: BehaviorSql, scope: Scope, clock: RunClock): Promise<number> {
  const asOf = db.date(clock.asOf);
  const since90 = db.date(new Date(clock.asOf.getTime() - FREQUENCY_WINDOW_DAYS * DAY_MS));
  const since365 = db.date(new Date(clock.asOf.getTime() - RFM_WINDOW_DAYS * DAY_MS));
  const off = clock.offsetMinutes;
  const members = inScope('m.id', scope);
  const visits = inScope('v.member_id', scope);
  const tracking = inScope('t.member_id', scope);
  const hour = db.localHour('v.visited_at');
  const slot = `case when ${hour} >= 5 and ${hour} < 11 then 'morning' when ${hour} >= 11 and ${hour} < 17 then 'afternoon' when ${hour} >= 17 and ${hour} < 21 then 'evening' else 'night' end`;
  const slotParams = [off, off, off, off, off, off];
  const lastOrJoined = 'coalesce(a.last_at, m.joined_at)';
  const interval = `case when a.n >= 2 then ${db.greatest(`${db.daysBetween('a.first_at', 'a.last_at')} / (a.n - 1)`, '1')} else null end`;

  const select = `
    select z.member_id, z.v90, z.avg_spend, z.last_date, z.total, z.favs, z.slots, z.rate,
      round(${db.least('1', db.greatest('0', `(z.recency - coalesce(z.usual, ${DEFAULT_INTERVAL_DAYS})) / (2.0 * coalesce(z.usual, ${DEFAULT_INTERVAL_DAYS}))`))}, 2),
      z.v365, z.s365, z.n, z.first_at, z.last_at, z.recency, round(z.usual, 2), z.night_share, z.sent
    from (
      select m.id as member_id,
        coalesce(a.v90, 0) as v90,
        cast(coalesce(round(1.0 * a.total / a.n), 0) as ${db.dialect === 'sqlite' ? 'integer' : 'signed'}) as avg_spend,
        case when a.last_at is null then null else ${db.localDate('a.last_at')} end as last_date,
        coalesce(a.total, 0) as total,
        coalesce(f.favs, '[]') as favs,
        coalesce(s.slots, '[]') as slots,
        case when r.sent > 0 then round(100.0 * r.responded / r.sent, 2) else 0 end as rate,
        cast(floor(${db.greatest('0', db.daysUntil(lastOrJoined))}) as ${db.dialect === 'sqlite' ? 'integer' : 'signed'}) as recency,
        ${interval} as usual,
        coalesce(a.v365, 0) as v365, coalesce(a.s365, 0) as s365, coalesce(a.n, 0) as n,
        a.first_at, a.last_at,
        coalesce(s.night_share, 0) as night_share,
        coalesce(r.sent, 0) as sent
      from members m
      left join (
        select v.member_id, count(*) as n, sum(v.spending_fen) as total, min(v.visited_at) as first_at, max(v.visited_at) as last_at,
          sum(case when v.visited_at >= ? then 1 else 0 end) as v90,
          sum(case when v.visited_at >= ? then 1 else 0 end) as v365,
          sum(case when v.visited_at >= ? then v.spending_fen else 0 end) as s365
        from member_visits v where ${visits.sql} and v.visited_at <= ?
        group by v.member_id
      ) a on a.member_id = m.id
      left join (
        select x.member_id, ${db.jsonArrayAgg('case when x.rn <= 3 and x.n >= ? * x.total then x.category end', 'x.n desc, x.category')} as favs
        from (
          select cc.member_id, cc.category, cc.n, cc.total, row_number() over (partition by cc.member_id order by cc.n desc, cc.category) as rn
          from (
            select v.member_id, ${db.category} as category, count(*) as n, max(t.total) as total
            from ${db.unnestCategories('v')}
            join (select v.member_id, count(*) as total from member_visits v where ${visits.sql} and v.visited_at >= ? and v.visited_at <= ? group by v.member_id) t on t.member_id = v.member_id
            where ${visits.sql} and v.visited_at >= ? and v.visited_at <= ?
            group by v.member_id, ${db.category}
          ) cc
        ) x
        group by x.member_id
      ) f on f.member_id = m.id
      left join (
        select y.member_id, ${db.jsonArrayAgg('case when y.n >= ? * y.total then y.slot end', 'y.n desc, y.slot')} as slots,
          round(1.0 * sum(case when y.slot = 'night' then y.n else 0 end) / max(y.total), 2) as night_share
        from (
          select w.member_id, w.slot, count(*) as n, sum(count(*)) over (partition by w.member_id) as total
          from (select v.member_id, ${slot} as slot from member_visits v where ${visits.sql} and v.visited_at >= ? and v.visited_at <= ?) w
          group by w.member_id, w.slot
        ) y
        group by y.member_id
      ) s on s.member_id = m.id
      left join (
        select t.member_id, count(*) as sent, sum(case when t.status in ('opened', 'clicked', 'converted') then 1 else 0 end) as responded
        from campaign_tracking t where ${tracking.sql} and t.holdout = 0
        group by t.member_id
      ) r on r.member_id = m.id
      where ${members.sql}
    ) z`;
  const params = [
    off, // last_date
    asOf, // recency
    since90, since365, since365, ...visits.params, asOf, // a
    FAVOURITE_SHARE, ...visits.params, since365, asOf, ...visits.params, since365, asOf, // f
    FAVOURITE_SHARE, ...slotParams, ...visits.params, since365, asOf, // s
    ...tracking.params, // r
    ...members.params,
  ];
  const del = inScope('member_id', scope);
  await db.run(`delete from member_behavior where ${del.sql}`, del.params);
  return db.run(
    `insert into member_behavior (member_id, visit_frequency, avg_spending_fen, last_visit_date, total_spending_fen, favorite_categories, preferred_time_slots, response_rate, churn_risk,
       visits_365d, spending_365d_fen, visit_count, first_visit_at, last_visit_at, recency_days, usual_interval_days, night_share, campaigns_received, updated_at)
     select q.*, ? from (${select}) q`,
    [db.date(new Date()), ...params],
  );
}

const DIMENSIONS = { r: 'recency_days', f: 'visits_365d', m: 'spending_365d_fen' } as const;
const ACTIVE = `from member_behavior b join members m on m.id = b.member_id where m.status = 'active' and b.visits_365d > 0`;

/** The 20/40/60/80th percentile cut points of R, F and M over active members (a visit within 365 days). */
export async function computeCuts(db: BehaviorSql): Promise<{ population: number; r: Cuts; f: Cuts; m: Cuts }> {
  const [count] = await db.rows<{ n: number }>(`select count(*) as n ${ACTIVE}`);
  const population = Number(count?.n ?? 0);
  const positions = cutPositions(population);
  const cuts = {} as Record<keyof typeof DIMENSIONS, Cuts>;
  for (const [dim, col] of Object.entries(DIMENSIONS) as Array<[keyof typeof DIMENSIONS, string]>) {
    const rows = population
      ? await db.rows<{ rn: number; v: number }>(`select rn, v from (select b.${col} as v, row_number() over (order by b.${col}) as rn ${ACTIVE}) t where rn in (?)`, [positions])
      : [];
    const at = (pos: number) => Number(rows.find((r) => Number(r.rn) === pos)?.v ?? 0);
    cuts[dim] = { p20: at(positions[0]), p40: at(positions[1]), p60: at(positions[2]), p80: at(positions[3]) };
  }
  return { population, ...cuts };
}

/** Stores the cut points (rfm_thresholds) the scores are given against. */
export async function storeCuts(db: BehaviorSql, cuts: { population: number; r: Cuts; f: Cuts; m: Cuts }, at: Date): Promise<void> {
  await db.run('delete from rfm_thresholds');
  const rows = (['r', 'f', 'm'] as const).map((d) => [d, cuts[d].p20, cuts[d].p40, cuts[d].p60, cuts[d].p80, cuts.population, db.date(at)]);
  await db.run(`insert into rfm_thresholds (dimension, p20, p40, p60, p80, population, computed_at) values ${rows.map(() => '(?, ?, ?, ?, ?, ?, ?)').join(', ')}`, rows.flat());
}

export async function loadCuts(db: BehaviorSql): Promise<{ r: Cuts; f: Cuts; m: Cuts } | null> {
  const rows = await db.rows<{ dimension: 'r' | 'f' | 'm'; p20: number; p40: number; p60: number; p80: number }>('select dimension, p20, p40, p60, p80 from rfm_thresholds');
  if (rows.length < 3) return null;
  const get = (d: string) => {
    const r = rows.find((x) => x.dimension === d)!;
    return { p20: Number(r.p20), p40: Number(r.p40), p60: Number(r.p60), p80: Number(r.p80) };
  };
  return { r: get('r'), f: get('f'), m: get('m') };
}

/**
 * Scores, segment, membership segment, tags and the customers' mirrored segment for the chunk. Active
 * members only: inactive ones get no scores, no segment and no tags.
 */
export async function scoreAndTag(db: BehaviorSql, scope: Scope, cuts: { r: Cuts; f: Cuts; m: Cuts }, rules: SegmentRuleData[], clock: RunClock): Promise<void> {
  const b = inScope('member_behavior.member_id', scope);
  const activeSql = `(select m.status from members m where m.id = member_behavior.member_id) = 'active'`;
  const above = (col: string) => `(${col} > ?) + (${col} > ?) + (${col} > ?) + (${col} > ?)`;
  const cutParams = (c: Cuts) => [c.p20, c.p40, c.p60, c.p80];
  await db.run(
    `update member_behavior set
       r_score = case when ${activeSql} then 5 - (${above('recency_days')}) else null end,
       f_score = case when ${activeSql} then 1 + ${above('visits_365d')} else null end,
       m_score = case when ${activeSql} then 1 + ${above('spending_365d_fen')} else null end
     where ${b.sql}`,
    [...cutParams(cuts.r), ...cutParams(cuts.f), ...cutParams(cuts.m), ...b.params],
  );
  const ordered = [...rules].sort((x, y) => x.priority - y.priority);
  const firstSeen = `coalesce(first_visit_at, (select m.joined_at from members m where m.id = member_behavior.member_id))`;
  const whens = ordered.map((r) => `when r_score between ? and ? and f_score between ? and ? and m_score between ? and ?${r.firstVisitWithinDays === null ? '' : ` and ${firstSeen} >= ?`} then ?`);
  const whenParams = ordered.flatMap((r) => [
    r.rMin, r.rMax, r.fMin, r.fMax, r.mMin, r.mMax,
    ...(r.firstVisitWithinDays === null ? [] : [db.date(new Date(clock.asOf.getTime() - r.firstVisitWithinDays * DAY_MS))]),
    r.segment,
  ]);
  await db.run(`update member_behavior set segment = case when r_score is null then null ${whens.join(' ')} else null end where ${b.sql}`, [...whenParams, ...b.params]);

  const m = inScope('members.id', scope);
  if (db.dialect === 'sqlite') {
    await db.run(`update members set segment = b.segment from member_behavior b where b.member_id = members.id and ${m.sql}`, m.params);
  } else {
    await db.run(`update members join member_behavior b on b.member_id = members.id set members.segment = b.segment where ${m.sql}`, m.params);
  }

  const t = inScope('member_id', scope);
  await db.run(`delete from member_tags where ${t.sql}`, t.params);
  const bs = inScope('b.member_id', scope);
  const now = db.date(new Date());
  const selects = TAG_RULES.map((rule) => `select b.member_id, ? as tag, ? as created_at from member_behavior b where ${bs.sql} and b.r_score is not null and (${rule.sql})`);
  await db.run(`insert into member_tags (member_id, tag, created_at) ${selects.join(' union all ')}`, TAG_RULES.flatMap((rule) => [rule.tag, now, ...bs.params]));

  // The customers' segment mirrors their best active membership (customer-standing.ts SEGMENT_RANK).
  const c = inScope('mm.id', scope);
  await db.run(
    `update customers set segment = (
       select m.segment from members m where m.customer_id = customers.id and m.status = 'active' and m.segment is not null
       order by case m.segment when 'VIP' then 0 when 'loyal' then 1 when 'potential' then 2 when 'regular' then 3 when 'new' then 4 else 5 end limit 1)
     where id in (select mm.customer_id from members mm where mm.customer_id is not null and ${c.sql})`,
    c.params,
  );
}

/** Rewrites segment_stats from member_behavior (six rows for GET …/segment). */
export async function refreshSegmentStats(db: BehaviorSql, at: Date): Promise<void> {
  await db.run('delete from segment_stats');
  await db.run(
    `insert into segment_stats (segment, members, avg_spending_fen, avg_spending365d_fen, computed_at)
     select segment, count(*), cast(coalesce(avg(avg_spending_fen), 0) as ${db.dialect === 'sqlite' ? 'integer' : 'signed'}), cast(coalesce(avg(spending_365d_fen), 0) as ${db.dialect === 'sqlite' ? 'integer' : 'signed'}), ?
     from member_behavior where segment is not null group by segment`,
    [db.date(at)],
  );
}
