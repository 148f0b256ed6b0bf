import type { EntityManager } from '@mikro-orm/core';
import { authorize, type Actor } from '../auth/actor.js';
import { DomainError } from '../shared/domain-error.js';
import { MemberSchema } from '../members/member.entity.js';
import { inChunkTransaction, refreshListed, runBehavior, utcOffsetMinutes, type BehaviorRunOptions } from './behavior-run.service.js';
import { BehaviorSql, listedScopes, loadCuts, type RunClock } from './behavior.query.js';
import type { SegmentRuleData } from './rfm.policy.js';
import { SegmentRuleSchema } from './segment-rule.entity.js';
import { TAG_RULES } from './tag-rules.js';

export const MAX_TAG_MEMBERS = 1000;
const RULES = new Map(TAG_RULES.map((t) => [t.tag, t]));
const tagView = (tag: string) => ({ tag, kind: RULES.get(tag)!.kind, rule: RULES.get(tag)!.rule });

/** How many members carry each tag since the last run, with its kind and rule. */
export async function tagCounts(em: EntityManager, actor: Actor) {
  authorize(actor, 'customer:tags:write', '计算客户标签');
  const counts = await new BehaviorSql(em).rows<{ tag: string; n: number }>('select tag, count(*) as n from member_tags group by tag');
  const by = new Map(counts.map((c) => [c.tag, Number(c.n)]));
  return TAG_RULES.map((t) => ({ ...tagView(t.tag), members: by.get(t.tag) ?? 0 }));
}

/**
 * POST …/tags for members: recomputes the behaviour and tags of the named members (up to 1000) from
 * their visits now, in the same SQL as the nightly run, scored against the stored RFM cut points (a full
 * run first when there are none yet), moves the segment counts by the difference, and answers each member's tags with the rule that gave it.
 * Unknown ids: 404 MEMBER_NOT_FOUND listing them. (For everyone the door queues the behaviour job.)
 */
export async function tagMembers(em: EntityManager, actor: Actor, memberIds: string[], options: Omit<BehaviorRunOptions, 'mode'>) {
  authorize(actor, 'customer:tags:write', '计算客户标签');
  const db = new BehaviorSql(em);
  const ids = [...new Set(memberIds)].sort();
  const found = new Set((await em.find(MemberSchema, { id: { $in: ids } }, { fields: ['id'], disableIdentityMap: true })).map((m) => m.id));
  const missing = ids.filter((id) => !found.has(id));
  if (missing.length) throw new DomainError('MEMBER_NOT_FOUND', `会员不存在：${missing.slice(0, 10).join('、')}`, { memberIds: missing });
  const cuts = await loadCuts(db);
  if (!cuts) await runBehavior(em, { ...options, mode: 'full' });
  else {
    const clock: RunClock = { asOf: options.now, offsetMinutes: utcOffsetMinutes(options.now, options.timeZone) };
    const rules = (await em.find(SegmentRuleSchema, {}, { disableIdentityMap: true })) as SegmentRuleData[];
    for (const scope of listedScopes(ids, '', ids.length)) await inChunkTransaction(em, db, (tx) => refreshListed(tx, scope, cuts, rules, clock));
  }
  const rows = await db.rows<{ member_id: string; tag: string }>('select member_id, tag from member_tags where member_id in (?)', [ids]);
  const order = new Map(TAG_RULES.map((t, i) => [t.tag, i]));
  return {
    members: ids.map((memberId) => ({
      memberId,
      tags: rows.filter((r) => r.member_id === memberId).sort((a, b) => order.get(a.tag)! - order.get(b.tag)!).map((r) => tagView(r.tag)),
    })),
  };
}
