import type { AbstractSqlConnection } from '@mikro-orm/sql';

/**
 * Before `round5` (main e3a3930, after the fifth round; bench --compare --before round5 only): the behaviour
 * and scores statements as they were before the sixth round, on MariaDB. The new statements are turned
 * back, text and parameters:
 * - no statement keeps its derived tables apart (`derived_merge=off` taken out of SET STATEMENT), so the
 *   scores' and behaviour's derived columns are computed again at every reference;
 * - the visit aggregate reads a derived table of the chunk's visits with each visit's local hour, and
 *   counts the four time slots with `>=`/`<` tests (night too), not three with BETWEEN and night as the rest;
 * - the favourite categories and preferred time slots are ranked by comparing the counts in place, for
 *   every position, not from rank columns computed once per member;
 * - the cut points' population joins members and member_behavior as the optimizer chooses (from members'
 *   status index), not from member_behavior in its order.
 */
export function legacyRound5(conn: AbstractSqlConnection): { enabled: boolean } {
  const legacy = { enabled: false };
  const execute = conn.execute.bind(conn) as (...a: unknown[]) => Promise<unknown>;
  conn.execute = (async (query: unknown, params?: unknown, ...rest: unknown[]) => {
    if (!legacy.enabled || typeof query !== 'string') return execute(query, params, ...rest);
    if (query.includes(ACTIVE_NOW)) return execute(query.replace(ACTIVE_NOW, ACTIVE_BEFORE), params, ...rest);
    if (!query.includes('derived_merge=off')) return execute(query, params, ...rest);
    let sql = query.replace("'split_materialized=off,derived_merge=off'", "'split_materialized=off'");
    let ps = params as unknown[];
    if (/create temporary table behavior_chunk/.test(sql)) [sql, ps] = behaviourBefore(sql, ps);
    else if (!/create temporary table score_chunk/.test(sql)) throw new Error(`legacy round5: unexpected statement ${sql.slice(0, 200)}`);
    return execute(sql, ps, ...rest);
  }) as typeof conn.execute;
  return legacy;
}

/** The cut points' population: read from members' status index then, from member_behavior in its order now. */
const ACTIVE_NOW = 'from member_behavior b straight_join members m on m.id = b.member_id where';
const ACTIVE_BEFORE = 'from member_behavior b join members m on m.id = b.member_id where';

const SLOTS = [
  { name: 'afternoon', from: 11, to: 17 },
  { name: 'evening', from: 17, to: 21 },
  { name: 'morning', from: 5, to: 11 },
  { name: 'night', from: 21, to: 5 },
] as const;
const DAY_SLOTS = 3;

/** rankedNames as it was (MariaDB): every position's CASE compares the items' counts in place. */
function rankedNamesBefore(items: Array<{ name: string; count: string }>, qualifies: (count: string) => string): string {
  const ahead = (i: number) => items.map((o, j) => (j === i ? null : `(${o.count} ${j < i ? '>=' : '>'} ${items[i]!.count})`)).filter(Boolean).join(' + ') || '0';
  const at = (p: number) => `case ${items.map((it, i) => `when ${ahead(i)} = ${p} and ${qualifies(it.count)} then ${it.name}`).join(' ')} end`;
  const elements = items.map((_, p) => (p === 0 ? `coalesce(${at(p)}, '')` : `coalesce(concat(',', ${at(p)}), '')`));
  return `concat('[', ${elements.join(', ')}, ']')`;
}

function replaced(sql: string, pattern: RegExp, by: (...groups: string[]) => string, what: string): string {
  if (!pattern.test(sql)) throw new Error(`legacy round5: missed ${what}: ${sql.slice(0, 200)}`);
  return sql.replace(pattern, by as (substring: string, ...args: string[]) => string);
}

/** The behaviour chunk's SELECT and parameters as the fifth round sent them. */
function behaviourBefore(sql: string, params: unknown[]): [string, unknown[]] {
  const share = (count: string) => `${count} > 0 and ${count} >= 0.3 * z.v365`;
  const favs = rankedNamesBefore([1, 2, 3].map((k) => ({ name: `json_quote(z.c${k})`, count: `coalesce(z.n${k}, 0)` })), share);
  const slots = rankedNamesBefore(SLOTS.map((s) => ({ name: `'"${s.name}"'`, count: `z.slot_${s.name}` })), share);
  const inSlot = (s: (typeof SLOTS)[number]) => (s.from < s.to ? `h.hr >= ${s.from} and h.hr < ${s.to}` : `(h.hr >= ${s.from} or h.hr < ${s.to})`);
  sql = replaced(sql, /z\.total, .*? as favs, .*? as slots, z\.rate,/s, () => `z.total, ${favs} as favs, ${slots} as slots, z.rate,`, 'the favourites and slots');
  sql = replaced(sql, /from \(select y\.\*, .*? from \((\s+select m\.id as member_id,)/s, (_, rest) => `from (${rest}`, 'the rank columns');
  sql = replaced(sql, /\) y\) z$/, () => ') z', 'the rank layer');
  sql = replaced(sql, /,\s+coalesce\(a\.v365 - a\.slot_afternoon - a\.slot_evening - a\.slot_morning, 0\) as slot_night,/, () => ', coalesce(a.slot_night, 0) as slot_night,', 'night');
  sql = replaced(
    sql,
    /select v\.member_id, count\(\*\) as n, .*?\n\s+from (.*?) where (.*?) and v\.visited_at <= \?\s+group by v\.member_id/s,
    (_, from, where) => `select h.member_id, count(*) as n, sum(h.spending_fen) as total, min(h.visited_at) as first_at, max(h.visited_at) as last_at,
          sum(case when h.visited_at >= ? then 1 else 0 end) as v90,
          sum(case when h.visited_at >= ? then 1 else 0 end) as v365,
          sum(case when h.visited_at >= ? then h.spending_fen else 0 end) as s365,
          ${SLOTS.map((s) => `sum(case when h.visited_at >= ? and ${inSlot(s)} then 1 else 0 end) as slot_${s.name}`).join(',\n          ')}
        from (select v.member_id, v.visited_at, v.spending_fen, hour(date_add(v.visited_at, interval ? minute)) as hr from ${from} where ${where} and v.visited_at <= ?) h
        group by h.member_id`,
    'the visit aggregate',
  );
  // New: off, asOf, since90, since365, since365, (since365, off) per day slot, …; before: the four slots' since365, then off.
  const [off, asOf, since90, since365] = params as [unknown, unknown, unknown, unknown];
  const head = [off, asOf, since90, since365, since365];
  const slotParams = params.slice(5, 5 + 2 * DAY_SLOTS);
  if (slotParams.some((p, i) => p !== (i % 2 ? off : since365))) throw new Error('legacy round5: unexpected parameters of the visit aggregate');
  return [sql, [...head, ...SLOTS.map(() => since365), off, ...params.slice(5 + 2 * DAY_SLOTS)]];
}
