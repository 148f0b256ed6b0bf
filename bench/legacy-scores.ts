import { TAG_RULES } from '../src/domain/customers/tag-rules.js';
import type { SegmentRuleData } from '../src/domain/customers/rfm.policy.js';

/**
 * The scores step's statements on MariaDB as they were before `score_chunk` (bench --compare --before rfm
 * only, main d3fb7ab): scores and segment one UPDATE joining a derived table over the chunk's members by
 * their id range, the members' segment an UPDATE joining member_behavior over the same range, stale tags
 * a DELETE joining member_behavior, missing tags an INSERT probing member_tags for every member and rule, the
 * customers' segment an UPDATE joining the chunk's customers found by the same range.
 * `segmentParams` and `cutParams` are the ones the new statement carries (the same construction).
 */
export function scoresBefore(
  scope: { lo: string; hi: string } | 'listed', cutParams: unknown[], segmentParams: unknown[], rules: SegmentRuleData[], createdAt: string,
): Array<[string, unknown[]]> {
  const above = (col: string) => `(${col} > ?) + (${col} > ?) + (${col} > ?) + (${col} > ?)`;
  const range = (col: string) => (scope === 'listed' ? { from: '', sql: '1 = 1', params: [] as unknown[] } : { from: '', sql: `${col} > ? and ${col} <= ?`, params: [scope.lo, scope.hi] });
  const fromMembers = (members: string, then: string) => {
    const alias = members.split(' ').at(-1)!;
    const r = range(`${alias}.id`);
    const from = scope === 'listed' ? `scope_members sc straight_join ${members} on ${alias}.id = sc.member_id straight_join ${then}` : `${members} straight_join ${then}`;
    return { from, where: r.sql, sql: `${from} where ${r.sql}`, params: r.params };
  };
  const bs = fromMembers('members m', 'member_behavior b on b.member_id = m.id');
  const scores = `select b.member_id,
      case when m.status = 'active' then 5 - (${above('b.recency_days')}) end as r,
      case when m.status = 'active' then 1 + ${above('b.visits_365d')} end as f,
      case when m.status = 'active' then 1 + ${above('b.spending_365d_fen')} end as m,
      coalesce(b.first_visit_at, m.joined_at) as first_seen
    from ${bs.sql}`;
  const ordered = [...rules].sort((x, y) => x.priority - y.priority);
  const whens = ordered.map((r) => `when s.r between ? and ? and s.f between ? and ? and s.m between ? and ?${r.firstVisitWithinDays === null ? '' : ' and s.first_seen >= ?'} then ?`);
  const segment = `case when s.r is null then null ${whens.join(' ')} else null end`;
  const mb = fromMembers('members', 'member_behavior b on b.member_id = members.id');
  const holds = (tag: string) => `case ${tag} ${TAG_RULES.map((rule) => `when ? then (${rule.sql})`).join(' ')} else 0 end`;
  const ts = scope === 'listed' ? { sql: 't.member_id in (select member_id from scope_members)', params: [] } : range('t.member_id');
  const stale = `(b.r_score is null or coalesce(${holds('t.tag')}, 0) = 0)`;
  const tagParams = TAG_RULES.map((rule) => rule.tag);
  const tagList = TAG_RULES.map(() => 'select ? as tag').join(' union all ');
  const tagged = fromMembers('members m', `member_behavior b on b.member_id = m.id straight_join (${tagList}) g left join member_tags t on t.member_id = b.member_id and t.tag = g.tag`);
  const c = scope === 'listed' ? { sql: 'mm.id in (select member_id from scope_members)', params: [] } : range('mm.id');
  const best = `(select m.segment from members m where m.customer_id = customers.id and m.status = 'active' and m.segment is not null
       order by case m.segment when 'VIP' then 0 when 'loyal' then 1 when 'potential' then 2 when 'regular' then 3 when 'new' then 4 else 5 end limit 1)`;
  const chunkCustomers = `select mm.customer_id from members mm where mm.customer_id is not null and ${c.sql}`;
  return [
    [`update member_behavior u join (${scores}) s on s.member_id = u.member_id set u.r_score = s.r, u.f_score = s.f, u.m_score = s.m, u.segment = ${segment}`, [...cutParams, ...bs.params, ...segmentParams]],
    [`update ${mb.from} set members.segment = b.segment where ${mb.where}`, mb.params],
    [`delete t from member_tags t left join member_behavior b on b.member_id = t.member_id where ${ts.sql} and ${stale}`, [...ts.params, ...tagParams]],
    [
      `insert into member_tags (member_id, tag, created_at)
     select b.member_id, g.tag, ? from ${tagged.sql}
       and b.r_score is not null and coalesce(${holds('g.tag')}, 0) <> 0 and t.id is null`,
      [createdAt, ...tagParams, ...tagged.params, ...tagParams],
    ],
    [`update customers join (select distinct ch.customer_id from (${chunkCustomers}) ch) k on k.customer_id = customers.id set customers.segment = ${best}`, c.params],
  ];
}
