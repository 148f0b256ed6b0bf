import type { EntityManager, Transaction } from '@mikro-orm/core';
import { SqlitePlatform, type AbstractSqlConnection } from '@mikro-orm/sql';
import { DEFAULT_INTERVAL_DAYS, FAVOURITE_SHARE, FREQUENCY_WINDOW_DAYS, RFM_WINDOW_DAYS, cutPositions, type Cuts, type SegmentRuleData } from './rfm.policy.js';
import { TAG_RULES } from './tag-rules.js';

/**
 * The set-based statements of the behaviour run (seed 001 §2.1-2.2): every figure, score, segment and
 * tag is computed by the database over a chunk of members at a time, never member by member in
 * JavaScript. Values are bound parameters only. The few spellings MariaDB and SQLite do not share
 * (date arithmetic, string concatenation, multi-table UPDATE) are the `Sql` helpers below.
 */

/**
 * A chunk of members: ids in (lo, hi], or only the listed ones (an incremental run, POST …/tags). The
 * statements read a listed scope's ids from the temporary table `scope_members` (withListedScope), not
 * from bound lists: MariaDB spent over a second optimising a statement's four 5,000-id lists.
 */
export type Scope = { lo: string; hi: string; ids?: string[] };

type Dialect = 'mysql' | 'sqlite';
const STATEMENT_LIMITS =
  "max_heap_table_size = 268435456, tmp_table_size = 268435456, sort_buffer_size = 33554432, in_predicate_conversion_threshold = 0, optimizer_switch = 'split_materialized=off'";
const DAY_MS = 86_400_000;

export class BehaviorSql {
  readonly dialect: Dialect;
  readonly #conn: AbstractSqlConnection;
  /** The transaction of `em` when it runs inside one (em.transactional), so the statements join it. */
  readonly #tx: Transaction | undefined;

  constructor(em: EntityManager) {
    this.#conn = em.getConnection() as AbstractSqlConnection;
    this.#tx = em.getTransactionContext();
    this.dialect = em.getPlatform() instanceof SqlitePlatform ? 'sqlite' : 'mysql';
  }

  /** `materialized`: as for run. */
  rows<T = Record<string, unknown>>(sql: string, params: unknown[] = [], options: { materialized?: boolean } = {}): Promise<T[]> {
    return this.#conn.execute<T[]>(this.#tuned(sql, options.materialized), params, 'all', this.#tx);
  }

  /** `materialized`: on MariaDB every derived table is computed once into a temporary table (see #tuned). */
  async run(sql: string, params: unknown[] = [], options: { materialized?: boolean } = {}): Promise<number> {
    return (await this.#conn.execute<{ affectedRows: number }>(this.#tuned(sql, options.materialized), params, 'run', this.#tx)).affectedRows;
  }

  /**
   * On MariaDB each statement runs with its own limits (SET STATEMENT, nothing stays on the pooled
   * connection): in-memory temporary tables up to 256 MB (a chunk's per-member, per-category groups
   * outgrow the 16 MB default and went to disk), a 32 MB sort buffer for the cut points' window sorts,
   * bound IN lists kept as index ranges (converted to a subquery, an UPDATE or DELETE tested it row by
   * row; listed scopes no longer bind theirs, see withListedScope), and no per-member ("lateral") grouping of a chunk's visits: grouping the chunk's
   * index range once took 1.7 s for 20,000 members at 1M, looking each member up and grouping it alone 2.2 s
   * plus a temporary table per member (the whole behaviour statement: 21.9 s against 12.9 s under load 30).
   * A `materialized` statement also keeps its derived tables apart (derived_merge=off): merged into the
   * outer query, a derived column that is an expression is computed again at every reference to it, and
   * the scores' and behaviour's columns are referenced many times by the segment, tag and ranking
   * expressions built on them.
   */
  #tuned(sql: string, materialized = false): string {
    if (this.dialect === 'sqlite') return sql;
    return `set statement ${materialized ? STATEMENT_LIMITS.replace("'split_materialized=off'", "'split_materialized=off,derived_merge=off'") : STATEMENT_LIMITS} for ${sql}`;
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

  /**
   * The whole hour 0-23 of a datetime in business time (one `?`: the zone's offset in minutes). On SQLite
   * the bound offset is a REAL, so the arithmetic is too: cast, or 10:59 would be hour 10.98.
   */
  localHour(expr: string): string {
    return this.dialect === 'sqlite' ? `cast((((${expr} / 1000 + ? * 60) % 86400) / 3600) as integer)` : `hour(date_add(${expr}, interval ? minute))`;
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

  /**
   * An aggregate over a member's (count, id, name) rows holding the ids and counts of its three largest,
   * most first, ties by name: MariaDB `count:id,count:id,count:id` (GROUP_CONCAT … LIMIT 3; digits only, so
   * short: MariaDB keeps a temporary table's text of over 512 characters as a BLOB, on disk, and its
   * in-memory rows are as wide as their widest value), SQLite (no LIMIT in an aggregate) a JSON array of
   * every [count, id] in that order. One grouping: no window numbering the rows, no pivot of the first three.
   */
  topThree(count: string, id: string, name: string): string {
    const order = `order by ${count} desc, ${name}`;
    if (this.dialect === 'sqlite') return `json_group_array(json_array(${count}, ${id}) ${order})`;
    return `cast(group_concat(${count}, ':', ${id} ${order} separator ',' limit 3) as char(100))`;
  }

  /** The k-th (1-3) entry of a topThree value: its count and id, both NULL when there are fewer. */
  topEntry(list: string, k: number): { count: string; id: string } {
    if (this.dialect === 'sqlite') return { count: `(${list} ->> '$[${k - 1}][0]')`, id: `(${list} ->> '$[${k - 1}][1]')` };
    const entry = `substring_index(substring_index(${list}, ',', ${k}), ',', -1)`;
    const present = `length(${list}) - length(replace(${list}, ',', '')) >= ${k - 1}`;
    return { count: `case when ${present} then cast(substring_index(${entry}, ':', 1) as signed) end`, id: `case when ${present} then cast(substring_index(${entry}, ':', -1) as signed) end` };
  }

  /** String concatenation (NULL when any part is NULL, on both). */
  concat(...parts: string[]): string {
    return this.dialect === 'sqlite' ? `(${parts.join(' || ')})` : `concat(${parts.join(', ')})`;
  }

}

/**
 * `col > ? and col <= ?` with its parameters, or for a listed scope `col in (select … scope_members)`
 * (MariaDB turns it into a join starting from the listed ids — a "table pullout" — in SELECTs and in
 * multi-table UPDATE/DELETE; no single-table UPDATE/DELETE on MariaDB takes a listed scope).
 */
function inScope(col: string, scope: Scope): { sql: string; params: unknown[] } {
  if (scope.ids) return { sql: `${col} in (select member_id from ${SCOPE_TABLE})`, params: [] };
  return { sql: `${col} > ? and ${col} <= ?`, params: [scope.lo, scope.hi] };
}

/**
 * `table alias` for a FROM clause and its scope condition (`1 = 1` for a listed scope): a listed scope's
 * rows are read starting from its ids, member by member through `col`'s index (MariaDB: STRAIGHT_JOIN,
 * SQLite: CROSS JOIN, both keep that order). With `in (select …)` MariaDB read a per-member aggregate's
 * whole covering index in member order instead, to save the grouping's sort; SQLite did the same.
 */
function scopedFrom(db: BehaviorSql, tableAlias: string, col: string, scope: Scope): { from: string; sql: string; params: unknown[] } {
  if (!scope.ids) return { from: tableAlias, ...inScope(col, scope) };
  return { from: `${SCOPE_TABLE} sc ${db.dialect === 'sqlite' ? 'cross join' : 'straight_join'} ${tableAlias} on ${col} = sc.member_id`, sql: '1 = 1', params: [] };
}

const SCOPE_TABLE = 'scope_members';
const SCOPE_INSERT_ROWS = 1000;

/**
 * Runs `fn` with a listed scope's ids in the temporary table `scope_members` (created empty first, so
 * no earlier scope's ids on a pooled connection remain; dropped after). A temporary table lives on one
 * connection: `db` must be inside a transaction (inChunkTransaction). A range scope runs `fn` as it is.
 */
export async function withListedScope<T>(db: BehaviorSql, scope: Scope, fn: () => Promise<T>): Promise<T> {
  if (!scope.ids) return fn();
  const drop = db.dialect === 'sqlite' ? `drop table if exists temp.${SCOPE_TABLE}` : `drop temporary table if exists ${SCOPE_TABLE}`;
  await db.run(drop);
  // The id column copied from members.id, so its type and collation are the ones it is compared with.
  await db.run(
    db.dialect === 'sqlite'
      ? `create temp table ${SCOPE_TABLE} (member_id text primary key)`
      : `create temporary table ${SCOPE_TABLE} (primary key (member_id)) as select id as member_id from members limit 0`,
  );
  for (let i = 0; i < scope.ids.length; i += SCOPE_INSERT_ROWS) {
    const part = scope.ids.slice(i, i + SCOPE_INSERT_ROWS);
    await db.run(`insert into ${SCOPE_TABLE} (member_id) values ${part.map(() => '(?)').join(', ')}`, part);
  }
  try {
    return await fn();
  } finally {
    await db.run(drop);
  }
}

/** The most ids one listed scope holds (an incremental run's changed members, POST …/tags): a scope is one transaction. */
export const MAX_LISTED = 5000;

/** The sorted `ids` after `after` as consecutive listed scopes of at most min(size, MAX_LISTED) ids. */
export function listedScopes(ids: string[], after: string, size: number): Scope[] {
  const step = Math.max(1, Math.min(size, MAX_LISTED));
  const rest = ids.filter((id) => id > after);
  const scopes: Scope[] = [];
  for (let i = 0, lo = after; i < rest.length; i += step) {
    const part = rest.slice(i, i + step);
    scopes.push({ lo, hi: part[part.length - 1]!, ids: part });
    lo = part[part.length - 1]!;
  }
  return scopes;
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
 * The four time slots of business time, alphabetical (the tie order of preferred_time_slots): hours
 * `from`-`to` (exclusive); night, the one across midnight, is every 365-day visit in none of the others.
 */
const SLOTS = [
  { name: 'afternoon', from: 11, to: 17 },
  { name: 'evening', from: 17, to: 21 },
  { name: 'morning', from: 5, to: 11 },
  { name: 'night', from: 21, to: 5 },
] as const;
const DAY_SLOTS = SLOTS.filter((s) => s.from < s.to);

/**
 * Each item's place among `items` (in tie order) as columns `<prefix>r<i>` — the number of items ahead of
 * it: a higher count, or the same count and an earlier place — and `<prefix>q<i>`, 1 when its count
 * qualifies. They go in a materialized derived table, computed once per row (rankedNames reads them).
 */
function rankColumns(items: Array<{ count: string }>, qualifies: (count: string) => string, prefix: string): string {
  const ahead = (i: number) => items.map((o, j) => (j === i ? null : `(${o.count} ${j < i ? '>=' : '>'} ${items[i]!.count})`)).filter(Boolean).join(' + ') || '0';
  return items.map((it, i) => `${ahead(i)} as ${prefix}r${i}, case when ${qualifies(it.count)} then 1 else 0 end as ${prefix}q${i}`).join(', ');
}

/**
 * A JSON array text of the names among `names` whose count qualifies, most first, from the rank columns
 * of `alias` (rankColumns): the element at position p is the item with p items ahead of it. Qualifying
 * items are always a prefix of that order, so the array is the non-null elements concatenated. Built
 * per row, without grouping.
 */
function rankedNames(db: BehaviorSql, names: string[], alias: string, prefix: string): string {
  const at = (p: number) => `case ${names.map((name, i) => `when ${alias}.${prefix}r${i} = ${p} and ${alias}.${prefix}q${i} = 1 then ${name}`).join(' ')} end`;
  const elements = names.map((_, p) => (p === 0 ? `coalesce(${at(p)}, '')` : `coalesce(${db.concat("','", at(p))}, '')`));
  return db.concat("'['", ...elements, "']'");
}

/**
 * Recomputes member_behavior for the chunk: one SELECT with two passes over the chunk's visits into a
 * temporary table, then one UPDATE of the chunk's rows and one INSERT of the missing ones. The first
 * pass reads only the (member_id, visited_at, spending_fen) index: counts, spending, first/last visit,
 * the 90- and 365-day windows and the 365-day visits per time slot. The second counts the 365-day
 * visits' categories per member from member_visit_categories (the JSON's categories as rows with a
 * number, kept by triggers; read through its (member, category, visitedAt) index in order, grouped on
 * the number: unnesting each visit's JSON and grouping the names took over half the statement) and
 * keeps each member's three most frequent (one grouping: BehaviorSql.topThree). Favourite categories and preferred time slots (≥ 30 % of the 365-day
 * visits, most first) are then decided per row against the first pass's 365-day count; campaign
 * responses come from campaign_tracking (holdout rows received nothing and do not count); recency,
 * usual interval and churn risk (rfm.policy.ts) are derived in the same SELECT.
 */
export async function recomputeBehavior(db: BehaviorSql, scope: Scope, clock: RunClock): Promise<void> {
  const asOf = db.date(clock.asOf);
  const since90 = db.date(new Date(clock.asOf.getTime() - FREQUENCY_WINDOW_DAYS * DAY_MS));
  const since365 = db.date(new Date(clock.asOf.getTime() - RFM_WINDOW_DAYS * DAY_MS));
  const off = clock.offsetMinutes;
  const members = inScope('m.id', scope);
  const visits = scopedFrom(db, 'member_visits v', 'v.member_id', scope);
  const categories = scopedFrom(db, 'member_visit_categories vc', 'vc.member_id', scope);
  const tracking = scopedFrom(db, 'campaign_tracking t', 't.member_id', scope);
  const hour = db.localHour('v.visited_at');
  const lastOrJoined = 'coalesce(a.last_at, m.joined_at)';
  const interval = `case when a.n >= 2 then ${db.greatest(`${db.daysBetween('a.first_at', 'a.last_at')} / (a.n - 1)`, '1')} else null end`;
  const int = db.dialect === 'sqlite' ? 'integer' : 'signed';
  const share = (count: string, v365: string) => `${count} > 0 and ${count} >= ${FAVOURITE_SHARE} * ${v365}`;
  // Each slot's 365-day visits (night: the ones in no day slot), from the visit aggregate `a`.
  const slotCount = (s: (typeof SLOTS)[number]) => `coalesce(${s.from < s.to ? `a.slot_${s.name}` : `a.v365 - ${DAY_SLOTS.map((d) => `a.slot_${d.name}`).join(' - ')}`}, 0)`;
  // The slots' rank columns are computed beside the counts, in the one derived table the outer SELECT reads.
  const slotRanks = rankColumns(SLOTS.map((s) => ({ count: slotCount(s) })), (count) => share(count, 'coalesce(a.v365, 0)'), 's');
  // The top three come most first: the ones whose count qualifies are a prefix of them.
  const favs = db.concat("'['", ...[1, 2, 3].map((k) => `coalesce(${db.concat(...(k > 1 ? ["','"] : []), `case when ${share(`z.n${k}`, 'z.v365')} then json_quote(z.c${k}) end`)}, '')`), "']'");
  const slots = rankedNames(db, SLOTS.map((s) => `'"${s.name}"'`), 'z', 's');
  const top = [1, 2, 3].map((k) => db.topEntry('f.top', k));

  const select = `
    select z.member_id, z.v90, z.avg_spend, z.last_date, z.total, ${favs} as favs, ${slots} as slots, z.rate,
      round(${db.least('1', db.greatest('0', `(z.recency - coalesce(z.usual, ${DEFAULT_INTERVAL_DAYS})) / (2.0 * coalesce(z.usual, ${DEFAULT_INTERVAL_DAYS}))`))}, 2) as churn,
      z.v365, z.s365, z.n, z.first_at, z.last_at, z.recency, round(z.usual, 2) as usual,
      case when z.v365 > 0 then round(1.0 * z.slot_night / z.v365, 2) else 0 end as night, z.sent
    from (
      select m.id as member_id,
        coalesce(a.v90, 0) as v90,
        cast(coalesce(round(1.0 * a.total / a.n), 0) as ${int}) as avg_spend,
        case when a.last_at is null then null else ${db.localDate('a.last_at')} end as last_date,
        coalesce(a.total, 0) as total,
        case when r.sent > 0 then round(100.0 * r.responded / r.sent, 2) else 0 end as rate,
        cast(floor(${db.greatest('0', db.daysUntil(lastOrJoined))}) as ${int}) as recency,
        ${interval} as usual,
        coalesce(a.v365, 0) as v365, coalesce(a.s365, 0) as s365, coalesce(a.n, 0) as n,
        a.first_at, a.last_at,
        ${slotCount(SLOTS.find((s) => s.from > s.to)!)} as slot_night, ${slotRanks},
        ${top.map((e, i) => `k${i + 1}.name as c${i + 1}, ${e.count} as n${i + 1}`).join(', ')},
        coalesce(r.sent, 0) as sent
      from members m
      left join (
        select v.member_id, count(*) as n, sum(v.spending_fen) as total, min(v.visited_at) as first_at, max(v.visited_at) as last_at,
          sum(case when v.visited_at >= ? then 1 else 0 end) as v90,
          sum(case when v.visited_at >= ? then 1 else 0 end) as v365,
          sum(case when v.visited_at >= ? then v.spending_fen else 0 end) as s365,
          ${DAY_SLOTS.map((s) => `sum(case when v.visited_at >= ? and ${hour} between ${s.from} and ${s.to - 1} then 1 else 0 end) as slot_${s.name}`).join(',\n          ')}
        from ${visits.from} where ${visits.sql} and v.visited_at <= ?
        group by v.member_id
      ) a on a.member_id = m.id
      left join (
        select cc.member_id, ${db.topThree('cc.n', 'cc.category_id', 'k.name')} as top
        from (
          select vc.member_id, vc.category_id, count(*) as n
          from ${categories.from}
          where ${categories.sql} and vc.visited_at >= ? and vc.visited_at <= ?
          group by vc.member_id, vc.category_id
        ) cc
        join visit_categories k on k.id = cc.category_id
        group by cc.member_id
      ) f on f.member_id = m.id
      ${top.map((e, i) => `left join visit_categories k${i + 1} on k${i + 1}.id = ${e.id}`).join('\n      ')}
      left join (
        select t.member_id, count(*) as sent, sum(case when t.status in ('opened', 'clicked', 'converted') then 1 else 0 end) as responded
        from ${tracking.from} where ${tracking.sql} and t.holdout = 0
        group by t.member_id
      ) r on r.member_id = m.id
      where ${members.sql}
    ) z`;
  const params = [
    off, // last_date
    asOf, // recency
    since90, since365, since365, ...DAY_SLOTS.flatMap(() => [since365, off]), ...visits.params, asOf, // a
    ...categories.params, since365, asOf, // f
    ...tracking.params, // r
    ...members.params,
  ];
  // The figures go to a temporary table first and from there to member_behavior, so that the one
  // statement holding member_behavior's table-wide auto-increment lock (an INSERT … SELECT holds it to
  // its end) is a copy of the chunk, not its computation: parallel chunks compute at the same time.
  // A temporary table lives on one connection: the caller runs this inside a transaction (em.transactional).
  const temp = db.dialect === 'sqlite' ? 'temp.behavior_chunk' : 'behavior_chunk';
  const dropTemp = db.dialect === 'sqlite' ? `drop table if exists ${temp}` : `drop temporary table if exists ${temp}`;
  await db.run(dropTemp);
  await db.run(`create temporary table ${db.dialect === 'sqlite' ? 'behavior_chunk' : temp} as ${select}`, params, { materialized: true });
  // Rows are updated in place, new members' rows inserted: scores and segment stay as they were until
  // the scores step gives them again, and a row whose scores do not change is not written twice a night
  // (replaced rows came back without scores, so the scores UPDATE rewrote every row and every segment
  // index entry).
  const updatedAt = db.date(new Date());
  const sets = BEHAVIOR_COLUMNS.map(([col, from]) => (db.dialect === 'sqlite' ? `${col} = q.${from}` : `b.${col} = q.${from}`)).join(', ');
  if (db.dialect === 'sqlite') await db.run(`update member_behavior set ${sets}, updated_at = ? from ${temp} q where q.member_id = member_behavior.member_id`, [updatedAt]);
  else await db.run(`update member_behavior b join ${temp} q on q.member_id = b.member_id set ${sets}, b.updated_at = ?`, [updatedAt]);
  await db.run(
    `insert into member_behavior (member_id, ${BEHAVIOR_COLUMNS.map(([col]) => col).join(', ')}, updated_at)
     select q.member_id, ${BEHAVIOR_COLUMNS.map(([, from]) => `q.${from}`).join(', ')}, ? from ${temp} q
     where not exists (select 1 from member_behavior b where b.member_id = q.member_id)`,
    [updatedAt],
  );
  await db.run(dropTemp);
}

/** member_behavior's computed columns and the chunk table's column each comes from. */
const BEHAVIOR_COLUMNS = [
  ['visit_frequency', 'v90'], ['avg_spending_fen', 'avg_spend'], ['last_visit_date', 'last_date'], ['total_spending_fen', 'total'],
  ['favorite_categories', 'favs'], ['preferred_time_slots', 'slots'], ['response_rate', 'rate'], ['churn_risk', 'churn'],
  ['visits_365d', 'v365'], ['spending_365d_fen', 's365'], ['visit_count', 'n'], ['first_visit_at', 'first_at'], ['last_visit_at', 'last_at'],
  ['recency_days', 'recency'], ['usual_interval_days', 'usual'], ['night_share', 'night'], ['campaigns_received', 'sent'],
] as const;

const DIMENSIONS = { r: 'recency_days', f: 'visits_365d', m: 'spending_365d_fen' } as const;
/**
 * The RFM population: active members with a visit within 365 days — member_behavior read in its own
 * order without the members who are not active, the few inactive ones' ids gathered first (a derived
 * table, kept apart: `materialized`) and each row looked up there, in memory. Before, each row's member
 * was looked up in members by primary key (at 1M 1.35 s of the numbering's 4.1 s); before that, from
 * members' status index, a unique-index and a clustered lookup into member_behavior per member.
 */
const ACTIVE = `from member_behavior b left join (select id from members where status <> 'active') x on x.id = b.member_id where x.id is null and b.visits_365d > 0`;

/**
 * The 20/40/60/80th percentile cut points of R, F and M over active members (a visit within 365 days):
 * one pass over them numbering each dimension in its own order, keeping the rows at the cut positions.
 */
export async function computeCuts(db: BehaviorSql): Promise<{ population: number; r: Cuts; f: Cuts; m: Cuts }> {
  const [count] = await db.rows<{ n: number }>(`select count(*) as n ${ACTIVE}`, [], { materialized: true });
  const population = Number(count?.n ?? 0);
  const positions = cutPositions(population);
  const dims = Object.entries(DIMENSIONS) as Array<[keyof typeof DIMENSIONS, string]>;
  const rows = population
    ? await db.rows<Record<string, number>>(
        `select * from (select ${dims.map(([d, col]) => `b.${col} as ${d}, row_number() over (order by b.${col}) as ${d}_rn`).join(', ')} ${ACTIVE}) t
         where ${dims.map(([d]) => `${d}_rn in (?)`).join(' or ')}`,
        dims.map(() => positions),
        { materialized: true },
      )
    : [];
  const at = (d: keyof typeof DIMENSIONS, pos: number) => Number(rows.find((r) => Number(r[`${d}_rn`]) === pos)?.[d] ?? 0);
  const cuts = Object.fromEntries(dims.map(([d]) => [d, { p20: at(d, positions[0]), p40: at(d, positions[1]), p60: at(d, positions[2]), p80: at(d, positions[3]) }])) as Record<keyof typeof DIMENSIONS, Cuts>;
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

/** The columns of member_behavior the tag rules (TAG_RULES' `sql`) read, besides the scores. */
const TAG_INPUTS = ['visit_frequency', 'recency_days', 'visits_365d', 'night_share', 'churn_risk', 'favorite_categories', 'response_rate', 'campaigns_received'] as const;
/** The scores' inputs: a row whose inputs changed after the chunk was read is left to whoever changed them. */
const SCORE_INPUTS = ['recency_days', 'visits_365d', 'spending_365d_fen', 'first_visit_at'] as const;
/** A tag's bit in the chunk table's masks: its place in TAG_RULES; any other tag a member carries gets the bit after them. */
const tagBit = (i: number) => 2 ** i;
const OTHER_TAG_BIT = tagBit(TAG_RULES.length);

/**
 * Scores, segment, membership segment, tags and the customers' mirrored segment for the chunk. Active
 * members only: inactive ones get no scores, no segment and no tags. One read of the chunk — its
 * members, their behaviour and the tags they carry — computes into the temporary table `score_chunk`
 * each member's scores, segment, the tags the rules give (a bit mask) and the tags the member has; the
 * writes then go by key from that table to the rows that change: scores and segment, the members'
 * segment, the tags no longer given (deleted) and the new ones (inserted; a kept tag keeps its
 * created_at, when the member got it).
 *
 * Locks (MariaDB, READ COMMITTED): CREATE … SELECT reads without locking, and every write reaches its
 * rows from `score_chunk` by their key, so a chunk locks only its own rows. Before, the UPDATEs joined
 * the chunk's members by an id range: a multi-table UPDATE share-locks the rows it reads, the range scan
 * included the first member after the range, and two parallel chunks each holding a share lock on a
 * member the other then updated deadlocked (at 1M, 5-8 of 50 chunks were redone per run). The tags'
 * INSERT checks its key against a deleted copy the purge has not removed yet; member_tags is keyed by
 * (member_id, tag) in its clustered index so that the check locks that copy alone (member-tag.entity.ts).
 */
export async function scoreAndTag(db: BehaviorSql, scope: Scope, cuts: { r: Cuts; f: Cuts; m: Cuts }, rules: SegmentRuleData[], clock: RunClock): Promise<void> {
  const above = (col: string) => `(${col} > ?) + (${col} > ?) + (${col} > ?) + (${col} > ?)`;
  const cutParams = (c: Cuts) => [c.p20, c.p40, c.p60, c.p80];
  const lite = db.dialect === 'sqlite';
  const inOrder = lite ? 'cross join' : 'straight_join';
  const ms = scopedFrom(db, 'members m', 'm.id', scope);
  const bitOfTag = (col: string) => `case ${col} ${TAG_RULES.map((_, i) => `when ? then ${tagBit(i)}`).join(' ')} else ${OTHER_TAG_BIT} end`;
  const tagParams = TAG_RULES.map((rule) => rule.tag);
  // The scores (b.r_score, b.f_score, b.m_score: the new ones) with the columns the segment rules and tag rules read.
  const scored = `select m.id as member_id, m.customer_id, b.member_id as has_row,
      case when m.status = 'active' and b.member_id is not null then 5 - (${above('b.recency_days')}) end as r_score,
      case when m.status = 'active' and b.member_id is not null then 1 + ${above('b.visits_365d')} end as f_score,
      case when m.status = 'active' and b.member_id is not null then 1 + ${above('b.spending_365d_fen')} end as m_score,
      coalesce(b.first_visit_at, m.joined_at) as first_seen,
      ${[...new Set([...TAG_INPUTS, ...SCORE_INPUTS])].map((c) => `b.${c}`).join(', ')},
      b.r_score as old_r, b.f_score as old_f, b.m_score as old_m, b.segment as old_segment, m.segment as member_segment,
      (select coalesce(sum(${bitOfTag('t.tag')}), 0) from member_tags t where t.member_id = m.id) as had
    from ${ms.from} left join member_behavior b on b.member_id = m.id where ${ms.sql}`;
  const scoredParams = [...cutParams(cuts.r), ...cutParams(cuts.f), ...cutParams(cuts.m), ...tagParams, ...ms.params];
  const ordered = [...rules].sort((x, y) => x.priority - y.priority);
  const whens = ordered.map(
    (r) => `when b.r_score between ? and ? and b.f_score between ? and ? and b.m_score between ? and ?${r.firstVisitWithinDays === null ? '' : ' and b.first_seen >= ?'} then ?`,
  );
  const segment = `case when b.r_score is null then null ${whens.join(' ')} else null end`;
  const segmentParams = ordered.flatMap((r) => [
    r.rMin, r.rMax, r.fMin, r.fMax, r.mMin, r.mMax,
    ...(r.firstVisitWithinDays === null ? [] : [db.date(new Date(clock.asOf.getTime() - r.firstVisitWithinDays * DAY_MS))]),
    r.segment,
  ]);
  const given = `case when b.r_score is null then 0 else ${TAG_RULES.map((rule, i) => `(case when coalesce((${rule.sql}), 0) <> 0 then ${tagBit(i)} else 0 end)`).join(' + ')} end`;
  const temp = lite ? 'temp.score_chunk' : 'score_chunk';
  const dropTemp = lite ? `drop table if exists ${temp}` : `drop temporary table if exists ${temp}`;
  const eq = (sql: string) => (lite ? sql.replaceAll('<=>', 'is') : sql);
  await db.run(dropTemp);
  await db.run(
    eq(`create temporary table ${lite ? 'score_chunk' : `${temp} (primary key (member_id))`} as
     select x.*, case when x.has_row is not null and not (x.r_score <=> x.old_r and x.f_score <=> x.old_f and x.m_score <=> x.old_m and x.segment <=> x.old_segment) then 1 else 0 end as changed,
       case when x.has_row is not null and not (x.segment <=> x.member_segment) then 1 else 0 end as mirror
     from (
       select b.member_id, b.customer_id, b.has_row, b.r_score, b.f_score, b.m_score, ${segment} as segment, ${given} as given, b.had,
         b.old_r, b.old_f, b.old_m, b.old_segment, b.member_segment, ${SCORE_INPUTS.map((c) => `b.${c}`).join(', ')}
       from (${scored}) b
     ) x`),
    [...segmentParams, ...scoredParams],
    { materialized: true },
  );
  // On MariaDB every write reaches its rows by key (FORCE INDEX: over a few rows the optimizer would rather
  // scan, and a scan in a multi-table UPDATE or DELETE locks every row it reads, other chunks' too).
  // Scores and segment where they change, unless the row's inputs changed since the chunk was read.
  const changed = 's.changed = 1';
  const sameInputs = SCORE_INPUTS.map((c) => `u.${c} <=> s.${c}`).join(' and ');
  if (lite) {
    await db.run(eq(`update member_behavior as u set r_score = s.r_score, f_score = s.f_score, m_score = s.m_score, segment = s.segment from ${temp} s where s.member_id = u.member_id and ${changed} and ${sameInputs}`));
    await db.run(eq(`update members set segment = b.segment from ${temp} s join member_behavior b on b.member_id = s.member_id where s.member_id = members.id and s.mirror = 1`));
  } else {
    await db.run(`update ${temp} s straight_join member_behavior u force index (member_behavior_member_id_unique) on u.member_id = s.member_id set u.r_score = s.r_score, u.f_score = s.f_score, u.m_score = s.m_score, u.segment = s.segment where ${changed} and ${sameInputs}`);
    await db.run(`update ${temp} s straight_join members force index (primary) on members.id = s.member_id straight_join member_behavior b force index (member_behavior_member_id_unique) on b.member_id = s.member_id set members.segment = b.segment where s.mirror = 1`);
  }
  // Tags: the ones a member had and the rules no longer give, then the ones the rules give and it lacked.
  const stale = `s.had & ~s.given <> 0 and ${bitOfTag('t.tag')} & ~s.given <> 0`;
  if (lite) await db.run(`delete from member_tags where (member_id, tag) in (select t.member_id, t.tag from ${temp} s join member_tags t on t.member_id = s.member_id where ${stale})`, tagParams);
  else await db.run(`delete t from ${temp} s straight_join member_tags t force index (primary) on t.member_id = s.member_id where ${stale}`, tagParams);
  const tagList = TAG_RULES.map((_, i) => `select ? as tag, ${tagBit(i)} as bit`).join(' union all ');
  await db.run(
    `insert into member_tags (member_id, tag, created_at)
     select s.member_id, g.tag, ? from ${temp} s ${inOrder} (${tagList}) g where s.given & ~s.had & g.bit <> 0`,
    [db.date(new Date()), ...tagParams],
  );

  // The customers' segment mirrors their best active membership (customer-standing.ts SEGMENT_RANK).
  // MariaDB joins the chunk's customers (an IN (subquery) in a single-table UPDATE is tested per customer).
  const best = `(select m.segment from members m${lite ? '' : ' force index (members_customer_id_index)'} where m.customer_id = customers.id and m.status = 'active' and m.segment is not null
       order by case m.segment when 'VIP' then 0 when 'loyal' then 1 when 'potential' then 2 when 'regular' then 3 when 'new' then 4 else 5 end limit 1)`;
  const chunkCustomers = `select s.customer_id from ${temp} s where s.customer_id is not null`;
  if (lite) await db.run(`update customers set segment = ${best} where id in (${chunkCustomers})`);
  else await db.run(`update (select distinct ch.customer_id from (${chunkCustomers}) ch) k straight_join customers force index (primary) on customers.id = k.customer_id set customers.segment = ${best}`);
  await db.run(dropTemp);
}

/** `cast(round(sum / members) as int)` in either dialect: an average of segment_stats from its sums. */
function averageOf(db: BehaviorSql, sum: string): string {
  return `case when members > 0 then cast(round(1.0 * ${sum} / members) as ${db.dialect === 'sqlite' ? 'integer' : 'signed'}) else 0 end`;
}

/** Rewrites segment_stats from member_behavior (six rows for GET …/segment). */
export async function refreshSegmentStats(db: BehaviorSql, at: Date): Promise<void> {
  await db.run('delete from segment_stats');
  await db.run(
    `insert into segment_stats (segment, members, spending_sum_fen, spending365d_sum_fen, avg_spending_fen, avg_spending365d_fen, computed_at)
     select segment, count(*), coalesce(sum(avg_spending_fen), 0), coalesce(sum(spending_365d_fen), 0), 0, 0, ?
     from member_behavior where segment is not null group by segment`,
    [db.date(at)],
  );
  await db.run(`update segment_stats set avg_spending_fen = ${averageOf(db, 'spending_sum_fen')}, avg_spending365d_fen = ${averageOf(db, 'spending365d_sum_fen')}`);
}

/** Per segment, the count and spending sums of a scope's members as member_behavior holds them now. */
export type SegmentTotals = Array<{ segment: string; n: number; sum: number; sum365: number }>;

export async function segmentTotals(db: BehaviorSql, scope: Scope, lock = false): Promise<SegmentTotals> {
  const s = inScope('member_id', scope);
  // Every row of the scope is read (and locked), the unsegmented ones too: a member without a segment
  // now may have one after a refresh that would otherwise not wait for this one.
  const rows = await db.rows<{ segment: string | null; n: number; sum: number; sum365: number }>(
    `select segment, count(*) as n, coalesce(sum(avg_spending_fen), 0) as sum, coalesce(sum(spending_365d_fen), 0) as sum365
     from member_behavior where ${s.sql} group by segment${lock && db.dialect === 'mysql' ? ' for update' : ''}`,
    s.params,
  );
  return rows.filter((r) => r.segment !== null).map((r) => ({ segment: r.segment!, n: Number(r.n), sum: Number(r.sum), sum365: Number(r.sum365) }));
}

/**
 * Brings segment_stats from a scope's totals before its members were recomputed to their totals after,
 * by adding the difference (an incremental run does not recount the whole table).
 */
export async function applySegmentDelta(db: BehaviorSql, before: SegmentTotals, after: SegmentTotals, at: Date): Promise<void> {
  const delta = new Map<string, { n: number; sum: number; sum365: number }>();
  const add = (rows: SegmentTotals, sign: number) => {
    for (const r of rows) {
      const d = delta.get(r.segment) ?? { n: 0, sum: 0, sum365: 0 };
      delta.set(r.segment, { n: d.n + sign * r.n, sum: d.sum + sign * r.sum, sum365: d.sum365 + sign * r.sum365 });
    }
  };
  add(before, -1);
  add(after, 1);
  // In segment order, so that two scopes' transactions lock the rows in the same order.
  const changed = [...delta].filter(([, d]) => d.n || d.sum || d.sum365).sort(([a], [b]) => (a < b ? -1 : 1));
  if (!changed.length) return;
  const have = new Set((await db.rows<{ segment: string }>('select segment from segment_stats')).map((r) => r.segment));
  for (const [segment, d] of changed) {
    if (!have.has(segment)) {
      await db.run(
        'insert into segment_stats (segment, members, spending_sum_fen, spending365d_sum_fen, avg_spending_fen, avg_spending365d_fen, computed_at) values (?, ?, ?, ?, 0, 0, ?)',
        [segment, d.n, d.sum, d.sum365, db.date(at)],
      );
    } else {
      await db.run(
        'update segment_stats set members = members + ?, spending_sum_fen = spending_sum_fen + ?, spending365d_sum_fen = spending365d_sum_fen + ?, computed_at = ? where segment = ?',
        [d.n, d.sum, d.sum365, db.date(at), segment],
      );
    }
  }
  // A segment left without members has no row, as a recount gives (refreshSegmentStats groups the members).
  await db.run('delete from segment_stats where members <= 0');
  await db.run(`update segment_stats set avg_spending_fen = ${averageOf(db, 'spending_sum_fen')}, avg_spending365d_fen = ${averageOf(db, 'spending365d_sum_fen')}`);
}
