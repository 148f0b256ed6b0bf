import { FAVOURITE_SHARE } from './rfm.policy.js';

export const TAG_KINDS = ['behavior', 'preference', 'value'] as const;
export type TagKind = (typeof TAG_KINDS)[number];

/** The behaviour figures a tag is decided from (one member_behavior row). */
export type TagInput = {
  visitFrequency: number;
  visits365d: number;
  recencyDays: number;
  nightShare: number;
  churnRisk: number;
  favoriteCategories: string[];
  mScore: number | null;
  fScore: number | null;
  responseRate: number;
  campaignsReceived: number;
};

type TagRule = { tag: string; kind: TagKind; rule: string; holds(b: TagInput): boolean; sql: string };

const fav = (category: string) => (b: TagInput) => b.favoriteCategories.includes(category);
const favSql = (category: string) => `b.favorite_categories like '%"${category}"%'`;
const share = `${Math.round(FAVOURITE_SHARE * 100)}%`;

/**
 * The seed's fifteen tags (seed 001 §2.2) and the rule that gives each, as a pure predicate and as the
 * same condition in SQL over `member_behavior b` (the run writes member_tags with the SQL; the tests
 * hold the two to the same answers). Only active members carry tags.
 */
export const TAG_RULES: TagRule[] = [
  { tag: 'high_frequency', kind: 'behavior', rule: '近90天到店≥6次', holds: (b) => b.visitFrequency >= 6, sql: 'b.visit_frequency >= 6' },
  { tag: 'low_frequency', kind: 'behavior', rule: '近90天到店1–2次', holds: (b) => b.visitFrequency >= 1 && b.visitFrequency <= 2, sql: 'b.visit_frequency between 1 and 2' },
  { tag: 'dormant', kind: 'behavior', rule: '90天及以上未到店（从未到店则自入会起算）', holds: (b) => b.recencyDays >= 90, sql: 'b.recency_days >= 90' },
  { tag: 'active', kind: 'behavior', rule: '近30天内到店', holds: (b) => b.recencyDays <= 30 && b.visits365d > 0, sql: 'b.recency_days <= 30 and b.visits_365d > 0' },
  { tag: 'night_visitor', kind: 'behavior', rule: '近一年到店≥2次且夜间（21:00–05:00）到店占比≥50%', holds: (b) => b.visits365d >= 2 && b.nightShare >= 0.5, sql: 'b.visits_365d >= 2 and b.night_share >= 0.5' },
  { tag: 'churn_risk', kind: 'behavior', rule: '流失风险≥0.6（最近未到店天数远超本人平常的到店间隔）', holds: (b) => b.churnRisk >= 0.6, sql: 'b.churn_risk >= 0.6' },
  { tag: 'beer_lover', kind: 'preference', rule: `近一年≥${share}的到店消费了啤酒`, holds: fav('beer'), sql: favSql('beer') },
  { tag: 'wine_lover', kind: 'preference', rule: `近一年≥${share}的到店消费了葡萄酒`, holds: fav('wine'), sql: favSql('wine') },
  { tag: 'package_buyer', kind: 'preference', rule: `近一年≥${share}的到店购买了套餐`, holds: fav('package'), sql: favSql('package') },
  { tag: 'snack_lover', kind: 'preference', rule: `近一年≥${share}的到店消费了小吃`, holds: fav('snack'), sql: favSql('snack') },
  { tag: 'high_value', kind: 'value', rule: 'M=5（近一年消费额位于前20%）', holds: (b) => b.mScore === 5, sql: 'b.m_score = 5' },
  { tag: 'medium_value', kind: 'value', rule: 'M 3–4（近一年消费额位于20%–60%）', holds: (b) => b.mScore === 3 || b.mScore === 4, sql: 'b.m_score between 3 and 4' },
  { tag: 'low_value', kind: 'value', rule: 'M≤2（近一年消费额位于后40%）', holds: (b) => b.mScore !== null && b.mScore <= 2, sql: 'b.m_score <= 2' },
  { tag: 'potential', kind: 'value', rule: 'M≥4 且 F≤2（消费能力强但到店少）', holds: (b) => (b.mScore ?? 0) >= 4 && (b.fScore ?? 5) <= 2, sql: 'b.m_score >= 4 and b.f_score <= 2' },
  { tag: 'responsive', kind: 'value', rule: '收到过营销且响应率≥30%（打开、点击或转化）', holds: (b) => b.campaignsReceived > 0 && b.responseRate >= 30, sql: 'b.campaigns_received > 0 and b.response_rate >= 30' },
];

export const TAGS = TAG_RULES.map((t) => t.tag);

/** The tags a behaviour row earns, in the order of TAG_RULES. */
export function tagsFor(b: TagInput): string[] {
  return TAG_RULES.filter((t) => t.holds(b)).map((t) => t.tag);
}
