import type { CustomerSegment } from '../shared/vocabulary.js';
import { SEGMENT_NAMES } from '../customers/segment-names.js';
import type { CampaignType } from './campaign.entity.js';

/**
 * The seed's campaign for each segment (seed 001 §2.3): what it offers, what one redeemed offer costs us
 * (fen), and the template text used when the language model is off or answers badly. The offer text is
 * one SMS template parameter; the template adds the name and the link.
 */
export type CampaignPlan = { type: CampaignType; name: string; offer: string; incentiveFen: number };

const PLANS: Record<CampaignType, Omit<CampaignPlan, 'type' | 'name'> & { label: string }> = {
  discount: { label: '折扣回馈', offer: '本周到店全场饮品8.8折', incentiveFen: 3_000 },
  coupon: { label: '新客礼包', offer: '新客券包：满100减20券3张', incentiveFen: 2_000 },
  gift: { label: '到店赠礼', offer: '到店消费即赠精酿小食拼盘一份', incentiveFen: 2_500 },
  points: { label: '积分翻倍', offer: '本周消费积分双倍累计', incentiveFen: 1_500 },
  upgrade: { label: '升级计划', offer: '30天内再到店2次即可升级会员等级', incentiveFen: 1_000 },
  retention: { label: '回归礼包', offer: '回归礼包：满150减50券，7天内有效', incentiveFen: 5_000 },
};

/** The campaign type each segment gets by default (seed §2.3; potential customers get the gift, or the upgrade plan on request). */
export const DEFAULT_TYPE: Record<CustomerSegment, CampaignType> = {
  VIP: 'points',
  loyal: 'points',
  potential: 'gift',
  regular: 'discount',
  churn_risk: 'retention',
  new: 'coupon',
};

export function campaignPlan(segment: CustomerSegment, type: CampaignType = DEFAULT_TYPE[segment]): CampaignPlan {
  const plan = PLANS[type];
  return { type, name: `${SEGMENT_NAMES[segment]}·${plan.label}`, offer: plan.offer, incentiveFen: plan.incentiveFen };
}

/**
 * Expected ROI (percent) when the segment has no finished campaign to learn from: a prior per type, from
 * what such offers typically return (cheap points campaigns to loyal customers return most, win-back packs
 * least). Stated here so the answer can say where its number came from.
 */
export const ROI_PRIOR_PERCENT: Record<CampaignType, number> = { points: 200, upgrade: 180, discount: 150, coupon: 120, gift: 100, retention: 80 };

/** Expected conversion (share of those reached) behind the cost estimate, per type. */
export const EXPECTED_CONVERSION: Record<CampaignType, number> = { points: 0.2, upgrade: 0.1, discount: 0.15, coupon: 0.12, gift: 0.1, retention: 0.08 };

/**
 * Estimated cost of the treatment group: the messages sent (fen each; default one SMS per treated member —
 * an invitation by SMS is one more, a WeCom note to an owner costs nothing) plus the incentive for the
 * expected share that redeems it. The holdout costs nothing.
 */
export function estimateCostFen(input: { treated: number; messages?: number; smsCostFen: number; incentiveFen: number; type: CampaignType }): number {
  return (input.messages ?? input.treated) * input.smsCostFen + Math.round(input.treated * EXPECTED_CONVERSION[input.type] * input.incentiveFen);
}

/** Members left out as the control group: round(n × percent / 100), never all of them. */
export function holdoutSize(audience: number, percent: number): number {
  if (audience <= 1 || percent <= 0) return 0;
  return Math.min(audience - 1, Math.round((audience * percent) / 100));
}

/** ROI % = (revenue − cost) / cost × 100, two decimals; null without cost. */
export function roiPercent(revenueFen: number, costFen: number): number | null {
  return costFen > 0 ? Math.round(((revenueFen - costFen) / costFen) * 10_000) / 100 : null;
}

/** A share as a percentage with two decimals (0 for an empty group). */
export function percent(part: number, whole: number): number {
  return whole > 0 ? Math.round((part / whole) * 10_000) / 100 : 0;
}
