import type { EntityManager } from '@mikro-orm/core';
import { authorize, type Actor } from '../auth/actor.js';
import { maskPhone } from '../shared/phone.js';
import type { CustomerSegment } from '../shared/vocabulary.js';
import { BehaviorSql } from './behavior.query.js';
import { ruleText, type SegmentRuleData } from './rfm.policy.js';
import { SegmentRuleSchema } from './segment-rule.entity.js';
import { SEGMENT_NAMES } from './segment-names.js';
import { RfmThresholdSchema, SegmentStatSchema } from './segment-stats.entity.js';

const cutsView = (t: { p20: number; p40: number; p60: number; p80: number } | undefined) => (t ? { p20: Number(t.p20), p40: Number(t.p40), p60: Number(t.p60), p80: Number(t.p80) } : null);

/**
 * GET …/segment: the six segments in rule order with count, share of segmented members, average
 * spending and the rule (thresholds as stored), plus the RFM cut points they were scored against. Reads
 * the summary the last behaviour run wrote (segment_stats), so it costs three small queries at any size.
 */
export async function segmentOverview(em: EntityManager, actor: Actor) {
  authorize(actor, 'customer:segment:view', '查看客户分层');
  const [rules, stats, cuts] = await Promise.all([
    em.find(SegmentRuleSchema, {}, { orderBy: { priority: 'asc' }, disableIdentityMap: true }),
    em.find(SegmentStatSchema, {}, { disableIdentityMap: true }),
    em.find(RfmThresholdSchema, {}, { disableIdentityMap: true }),
  ]);
  const total = stats.reduce((sum, s) => sum + s.members, 0);
  const dim = (d: 'r' | 'f' | 'm') => cutsView(cuts.find((c) => c.dimension === d));
  return {
    computedAt: stats[0]?.computedAt ?? null,
    total,
    thresholds: { population: cuts[0]?.population ?? 0, computedAt: cuts[0]?.computedAt ?? null, recencyDays: dim('r'), visits365d: dim('f'), spending365dFen: dim('m') },
    segments: rules.map((rule) => {
      const s = stats.find((x) => x.segment === rule.segment);
      const count = s?.members ?? 0;
      return {
        id: rule.segment as CustomerSegment,
        name: SEGMENT_NAMES[rule.segment as CustomerSegment],
        count,
        share: total ? Math.round((10_000 * count) / total) / 10_000 : 0,
        avgSpendingFen: s?.avgSpendingFen ?? 0,
        avgSpending365dFen: s?.avgSpending365dFen ?? 0,
        rule: {
          priority: rule.priority,
          r: [rule.rMin, rule.rMax] as [number, number],
          f: [rule.fMin, rule.fMax] as [number, number],
          m: [rule.mMin, rule.mMax] as [number, number],
          firstVisitWithinDays: rule.firstVisitWithinDays ?? null,
          text: ruleText(rule as SegmentRuleData),
        },
      };
    }),
  };
}

type MemberRow = {
  member_id: string; name: string | null; phone: string | null; tier: string; customer_id: string | null;
  r_score: number; f_score: number; m_score: number; visit_frequency: number; total_spending_fen: number; spending_365d_fen: number;
  last_visit_date: string | Date | null; churn_risk: number | string;
};

/** One page of a segment's members (ordered by member id, numbers masked) with their scores. */
export async function segmentMembers(em: EntityManager, actor: Actor, q: { segment: CustomerSegment; page: number; size: number }) {
  authorize(actor, 'customer:segment:view', '查看客户分层');
  const db = new BehaviorSql(em);
  const stat = await em.findOne(SegmentStatSchema, { segment: q.segment }, { disableIdentityMap: true });
  const rows = await db.rows<MemberRow>(
    `select b.member_id, m.name, m.phone, m.tier, m.customer_id, b.r_score, b.f_score, b.m_score, b.visit_frequency, b.total_spending_fen, b.spending_365d_fen, b.last_visit_date, b.churn_risk
     from member_behavior b join members m on m.id = b.member_id where b.segment = ? order by b.member_id limit ? offset ?`,
    [q.segment, q.size, (q.page - 1) * q.size],
  );
  const records = rows.map((r) => ({
    memberId: r.member_id,
    name: r.name ?? null,
    phone: r.phone ? maskPhone(r.phone) : null,
    tier: r.tier,
    customerId: r.customer_id ?? null,
    rfm: { r: Number(r.r_score), f: Number(r.f_score), m: Number(r.m_score) },
    visitFrequency: Number(r.visit_frequency),
    totalSpendingFen: Number(r.total_spending_fen),
    spending365dFen: Number(r.spending_365d_fen),
    lastVisitDate: r.last_visit_date ? (typeof r.last_visit_date === 'string' ? r.last_visit_date.slice(0, 10) : dateText(r.last_visit_date)) : null,
    churnRisk: Number(r.churn_risk),
  }));
  return { records, total: stat?.members ?? 0 };
}

/** A DATE column read back by mysql2 as a local-midnight Date: its calendar day. */
function dateText(d: Date): string {
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
}
