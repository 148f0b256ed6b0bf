import { defineEntity, p, type InferEntity } from '@mikro-orm/core';

/** A coupon granted with a tier: face value in fen, how many, and how long it stays valid. */
export type TierCoupon = { name: string; valueFen: number; count: number; validDays: number };

/** What reaching a tier grants once: points added to the balance, coupons, gifts, and the tier's standing discount. */
export type TierRewards = { points: number; coupons: TierCoupon[]; gifts: string[]; discountPercent: number };

/**
 * One membership tier and the rule to reach it, as data an admin can change (seed 001 §2.4): qualifying
 * spend and visits over the rolling 365 days before the evaluation, and a churn-risk ceiling (0–1; a member
 * the behaviour job rates above it is not upgraded). `rank` orders the tiers; rank 0 is where members start.
 */
export const MemberTierSchema = defineEntity({
  name: 'MemberTier',
  tableName: 'member_tiers',
  properties: {
    code: p.string().length(20).primary(),
    name: p.string().length(32),
    rank: p.integer().unique(),
    minSpendFen: p.bigint('number').default(0),
    minVisits: p.integer().default(0),
    maxChurnRisk: p.decimal('number').precision(3).scale(2).default(1),
    rewards: p.json<TierRewards>(),
    updatedAt: p.datetime().onCreate(() => new Date()).onUpdate(() => new Date()),
  },
});

export type MemberTier = InferEntity<typeof MemberTierSchema>;
