import type { AbstractSqlConnection } from '@mikro-orm/sql';
import { escape } from 'mysql2';
import type { SegmentRuleData } from '../src/domain/customers/rfm.policy.js';
import { TAG_RULES } from '../src/domain/customers/tag-rules.js';
import { scoresBefore } from './legacy-scores.js';
import { legacyRound5 } from './legacy-round5.js';

/** Turns the behaviour run's statements back into what they were before (bench --compare only). */
export type Legacy = { enabled: boolean };

/**
 * How far back: `categories`, the statements just before member_visit_categories (the favourite
 * categories unnested each 365-day visit's JSON and grouped the names); `round3`, also before the third
 * round (see legacyBehavior); `rfm`, the scores step before `score_chunk` (legacyScores); `round5`, the
 * behaviour and scores statements before the sixth round (legacy-round5.ts).
 */
export type Before = 'categories' | 'round3' | 'rfm' | 'round5';
export const BEFORE: readonly Before[] = ['categories', 'round3', 'rfm', 'round5'];

/** The favourite categories' pass over member_visit_categories (recomputeBehavior), its parts captured. */
const FAVOURITES =
  /select cc\.member_id, k\.name as category, cc\.n, row_number\(\) over \(partition by cc\.member_id order by cc\.n desc, k\.name\) as rn\s+from \(\s+select vc\.member_id, vc\.category_id, count\(\*\) as n\s+from (.*?)\s+where (.*?) and vc\.visited_at >= \? and vc\.visited_at <= \?\s+group by vc\.member_id, vc\.category_id\s+\) cc\s+join visit_categories k on k\.id = cc\.category_id/s;

/** The same pass as it was: each visit's JSON categories unnested (JSON_TABLE), grouped by member and name. */
function unnestedFavourites(_: string, from: string, where: string): string {
  const visits = (sql: string) => sql.replace('member_visit_categories vc', 'member_visits v').replaceAll('vc.member_id', 'v.member_id');
  return `select cc.member_id, cc.category, cc.n, row_number() over (partition by cc.member_id order by cc.n desc, cc.category) as rn
          from (
            select v.member_id, c.category as category, count(*) as n
            from ${visits(from)} cross join json_table(v.categories, '$[*]' columns (category varchar(64) path '$')) c
            where ${visits(where)} and v.visited_at >= ? and v.visited_at <= ?
            group by v.member_id, c.category
          ) cc`;
}

/**
 * Wraps a MikroORM connection's execute so that, while `enabled`, the behaviour run sends the statements
 * it sent before, on MariaDB, for a same-run comparison. Before `categories` (and `round3`):
 * - the favourite categories unnested the 365-day visits' JSON (JSON_TABLE) and grouped member and name,
 *   not member_visit_categories by member and category number.
 * Before `round3` also:
 * - a chunk's rows were replaced, not updated in place: the UPDATE … JOIN behavior_chunk becomes the
 *   DELETE of the chunk's rows, and the INSERT of the missing rows then inserts every row (without
 *   scores, so the scores step writes every row again);
 * - a listed scope's ids were bound lists, `col > lo and col <= hi and col in (…)` in every statement,
 *   not the temporary table `scope_members` (`in (select …)` or a STRAIGHT_JOIN from it): its CREATE,
 *   INSERTs and DROP are not sent, the ids they carried go into the statements instead;
 * - the scores step's statements read member_behavior by its member_id, not the chunk's members by
 *   their primary key first (STRAIGHT_JOIN).
 */
export function legacyBehavior(conn: AbstractSqlConnection, before: Before, rules: SegmentRuleData[] = []): Legacy {
  const legacy: Legacy = { enabled: false };
  if (before === 'rfm') return legacyScores(conn, rules);
  if (before === 'round5') return legacyRound5(conn);
  const listed = new WeakMap<object, string[]>();
  let outside: string[] = [];
  const idsOf = (ctx: unknown) => (ctx && typeof ctx === 'object' ? (listed.get(ctx) ?? []) : outside);
  const setIds = (ctx: unknown, ids: string[]) => (ctx && typeof ctx === 'object' ? listed.set(ctx, ids) : (outside = ids));
  const execute = conn.execute.bind(conn) as (...a: unknown[]) => Promise<unknown>;
  conn.execute = (async (query: unknown, params?: unknown, method?: unknown, ctx?: unknown, ...rest: unknown[]) => {
    if (!legacy.enabled || typeof query !== 'string') return execute(query, params, method, ctx, ...rest);
    let sql = query.replace(FAVOURITES, unnestedFavourites);
    if (sql.includes('member_visit_categories')) throw new Error(`legacy rewrite missed the favourite categories: ${sql.slice(0, 200)}`);
    if (before === 'categories') return execute(sql, params, method, ctx, ...rest);
    if (/(create|drop) temporary table (if exists )?scope_members/.test(sql)) {
      if (sql.includes('create')) setIds(ctx, []);
      return method === 'all' ? [] : { affectedRows: 0, insertId: 0, rows: [] };
    }
    if (/insert into scope_members/.test(sql)) {
      setIds(ctx, [...idsOf(ctx), ...(params as string[])]);
      return { affectedRows: (params as string[]).length, insertId: 0, rows: [] };
    }
    sql = sql.replace(/update member_behavior b join behavior_chunk q on q\.member_id = b\.member_id set .*$/s, () => {
      params = [];
      return 'delete b from member_behavior b join behavior_chunk q on q.member_id = b.member_id';
    });
    const listed = (col: string) => {
      const ids = idsOf(ctx);
      return `${col} >= ${escape(ids[0] ?? '')} and ${col} <= ${escape(ids.at(-1) ?? '')} and ${col} in (${ids.map((id) => escape(id)).join(', ')})`;
    };
    sql = sql.replace(/scope_members sc straight_join (\w+(?: \w)?) on ([\w.]+) = sc\.member_id(.*?)where 1 = 1/gs, (_, table: string, col: string, between: string) => `${table}${between}where ${listed(col)}`);
    sql = sql.replace(/([\w.]+) in \(select member_id from scope_members\)/g, (_, col: string) => listed(col));
    if (sql.includes('scope_members')) throw new Error(`legacy rewrite missed a listed scope: ${sql.slice(0, 200)}`);
    // The scores step read member_behavior first, by its member_id, not the chunk's members by their key.
    const fromMembers = 'from members m straight_join member_behavior b on b.member_id = m.id';
    if (sql.includes(fromMembers)) {
      sql = sql
        .replace(/from members m straight_join member_behavior b on b\.member_id = m\.id straight_join (\(select \? as tag.*?\)) g left join/s, 'from member_behavior b cross join $1 g left join')
        .replace(fromMembers, 'from member_behavior b join members m on m.id = b.member_id')
        .replace(/\bm\.id (>=|>|<=|in) /g, 'b.member_id $1 ');
    }
    sql = sql.replace(/update members straight_join member_behavior b on b\.member_id = members\.id /, 'update members join member_behavior b on b.member_id = members.id ');
    if (sql.includes('straight_join')) throw new Error(`legacy rewrite missed a STRAIGHT_JOIN: ${sql.slice(0, 200)}`);
    return execute(sql, params, method, ctx, ...rest);
  }) as typeof conn.execute;
  return legacy;
}

/**
 * Before `rfm` (main d3fb7ab, the fourth round): the scores step's statements as they were
 * (legacy-scores.ts). The new step's read into `score_chunk` is replaced by the four old statements over
 * the same chunk, with the cut points and segment parameters it carried; the new step's writes from
 * `score_chunk` (the customers' segment among them) and its DROP are not sent. The behaviour step is sent as it is.
 */
function legacyScores(conn: AbstractSqlConnection, rules: SegmentRuleData[]): Legacy {
  const legacy: Legacy = { enabled: false };
  const segmentLength = rules.reduce((n, r) => n + 7 + (r.firstVisitWithinDays === null ? 0 : 1), 0);
  const execute = conn.execute.bind(conn) as (...a: unknown[]) => Promise<unknown>;
  const none = { affectedRows: 0, insertId: 0, rows: [] };
  conn.execute = (async (query: unknown, params?: unknown, method?: unknown, ctx?: unknown, ...rest: unknown[]) => {
    if (!legacy.enabled || typeof query !== 'string' || !query.includes('score_chunk')) return execute(query, params, method, ctx, ...rest);
    if (!/create temporary table score_chunk/.test(query)) return none;
    const p = params as unknown[];
    const listed = query.includes('scope_members sc straight_join members m');
    const scope = listed ? ('listed' as const) : { lo: String(p.at(-2)), hi: String(p.at(-1)) };
    const cutParams = p.slice(segmentLength, segmentLength + 12);
    const createdAt = new Date().toISOString().slice(0, 23).replace('T', ' ');
    if (p.length !== segmentLength + 12 + TAG_RULES.length + (listed ? 0 : 2)) throw new Error('legacy scores: unexpected parameters of score_chunk');
    const prefix = query.match(/^set statement .*? for /s)?.[0] ?? '';
    for (const [sql, ps] of scoresBefore(scope, cutParams, p.slice(0, segmentLength), rules, createdAt)) await execute(prefix + sql, ps, 'run', ctx, ...rest);
    return none;
  }) as typeof conn.execute;
  return legacy;
}
