import type { UpgradeReward } from '../members/upgrade-history.entity.js';
import type { TierRewards } from './member-tier.entity.js';

/** Days of visits that qualify for a tier, counted back from the evaluation. */
export const QUALIFYING_WINDOW_DAYS = 365;

export type TierRule = {
  code: string;
  name: string;
  rank: number;
  minSpendFen: number;
  minVisits: number;
  /** 0–1; a member rated above it is not upgraded to this tier. */
  maxChurnRisk: number;
  rewards: TierRewards;
};

/** A member's figures over the qualifying window, as the evaluation sees them. */
export type TierStanding = {
  tier: string;
  active: boolean;
  spendFen: number;
  visits: number;
  /** 0–1 from the behaviour job; null when it has not rated the member yet (no ceiling applies). */
  churnRisk: number | null;
};

export type TierRef = { code: string; name: string };

export type UpgradeEvaluation = {
  currentTier: TierRef;
  /** The tier an upgrade would move to now (the highest one met), else the next one up; null at the top. */
  nextTier: TierRef | null;
  /** 0–100: the mean of spend and visits against the next tier's requirement, each capped at 100 %. */
  progress: number;
  eligible: boolean;
  /** What stands between the member and the next tier, in Chinese (¥X more, N more visits, …). */
  missing: string[];
  requirement: { minSpendFen: number; minVisits: number; maxChurnRisk: number } | null;
};

/** ¥ with two decimals from integer fen. */
export function yuan(fen: number): string {
  return `¥${(fen / 100).toFixed(2)}`;
}

/** 90 → 9折, 95 → 95折, 85 → 85折 (the percentage of the price paid, as shops write it). */
export function discountLabel(percent: number): string {
  return percent % 10 === 0 ? `${percent / 10}折` : `${percent}折`;
}

const meets = (rule: TierRule, s: TierStanding) =>
  s.active && s.spendFen >= rule.minSpendFen && s.visits >= rule.minVisits && (s.churnRisk === null || s.churnRisk <= rule.maxChurnRisk);

const ref = (t: TierRule): TierRef => ({ code: t.code, name: t.name });
const share = (have: number, need: number) => (need <= 0 ? 1 : Math.min(1, have / need));

/**
 * Where a member stands against the tier table. Eligible when some higher tier's rule is met in full
 * (spend and visits over the window, churn risk at most the ceiling, membership active); the upgrade then
 * goes to the highest such tier at once. A tier the table does not know is never upgraded from.
 */
export function evaluateUpgrade(tiers: readonly TierRule[], s: TierStanding): UpgradeEvaluation {
  const ordered = [...tiers].sort((a, b) => a.rank - b.rank);
  const current = ordered.find((t) => t.code === s.tier);
  if (!current) {
    return { currentTier: { code: s.tier, name: s.tier }, nextTier: null, progress: 0, eligible: false, missing: [`当前等级 ${s.tier} 不在等级表中，请先调整会员等级`], requirement: null };
  }
  const above = ordered.filter((t) => t.rank > current.rank);
  if (above.length === 0) return { currentTier: ref(current), nextTier: null, progress: 100, eligible: false, missing: [], requirement: null };
  const reached = above.filter((t) => meets(t, s)).at(-1);
  const next = reached ?? above[0]!;
  const requirement = { minSpendFen: next.minSpendFen, minVisits: next.minVisits, maxChurnRisk: next.maxChurnRisk };
  if (reached) return { currentTier: ref(current), nextTier: ref(next), progress: 100, eligible: true, missing: [], requirement };

  const missing: string[] = [];
  if (!s.active) missing.push('会员状态为停用，启用后才能提档');
  if (s.spendFen < next.minSpendFen) missing.push(`还需消费 ${yuan(next.minSpendFen - s.spendFen)}`);
  if (s.visits < next.minVisits) missing.push(`还需到店 ${next.minVisits - s.visits} 次`);
  if (s.churnRisk !== null && s.churnRisk > next.maxChurnRisk) {
    missing.push(`流失风险 ${s.churnRisk.toFixed(2)} 高于${next.name}上限 ${next.maxChurnRisk.toFixed(2)}，需近期再次到店`);
  }
  const progress = Math.floor(((share(s.spendFen, next.minSpendFen) + share(s.visits, next.minVisits)) / 2) * 100);
  return { currentTier: ref(current), nextTier: ref(next), progress, eligible: false, missing, requirement };
}

/**
 * The tier a member falls to at their membership anniversary: one tier down when the rolling figures no
 * longer meet their current tier's spend or visits, never more than one, never below the lowest tier.
 * Churn risk and an inactive status do not downgrade anyone. Null: the member keeps the tier.
 */
export function downgradeAtAnniversary(tiers: readonly TierRule[], s: TierStanding): TierRule | null {
  const ordered = [...tiers].sort((a, b) => a.rank - b.rank);
  const index = ordered.findIndex((t) => t.code === s.tier);
  if (index <= 0) return null;
  const current = ordered[index]!;
  if (s.spendFen >= current.minSpendFen && s.visits >= current.minVisits) return null;
  return ordered[index - 1]!;
}

/**
 * The rewards of reaching a tier, each with its idempotency key derived from the tier change's key:
 * points (added to the balance in the same statement as the tier), coupons, gifts and the tier discount.
 */
export function rewardsFor(tier: TierRule, changeKey: string): UpgradeReward[] {
  const out: UpgradeReward[] = [];
  const { points, coupons, gifts, discountPercent } = tier.rewards;
  if (points > 0) out.push({ kind: 'points', value: points, note: `${points} 积分`, key: `${changeKey}:points` });
  coupons.forEach((c, i) => {
    if (c.count > 0) out.push({ kind: 'coupon', value: c.valueFen * c.count, note: `${c.name}（${yuan(c.valueFen)}）×${c.count}，${c.validDays} 天内有效`, key: `${changeKey}:coupon:${i}` });
  });
  gifts.forEach((g, i) => out.push({ kind: 'gift', value: g, note: g, key: `${changeKey}:gift:${i}` }));
  if (discountPercent > 0 && discountPercent < 100) out.push({ kind: 'discount', value: discountPercent, note: `会员价 ${discountLabel(discountPercent)}`, key: `${changeKey}:discount` });
  return out;
}

/**
 * Whether `today` (YYYY-MM-DD in the business zone) is a membership anniversary of a member who joined on
 * `joined` (same zone): same month and day, at least one year on. Members who joined on 29 February have
 * their anniversary on 28 February in common years.
 */
export function isMembershipAnniversary(joined: string, today: string): boolean {
  const [jy, jm, jd] = joined.split('-').map(Number) as [number, number, number];
  const [ty, tm, td] = today.split('-').map(Number) as [number, number, number];
  if (ty <= jy) return false;
  const leap = (y: number) => (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
  const day = jm === 2 && jd === 29 && !leap(ty) ? 28 : jd;
  return tm === jm && td === day;
}
