import { defineEntity, p, type InferEntity } from '@mikro-orm/core';
import { MemberSchema } from './member.entity.js';

/**
 * One reward granted with a tier change. `key` is the reward's idempotency key (`<change key>:<kind>:<n>`):
 * whoever redeems or re-grants it can tell the same reward from a new one.
 */
export type UpgradeReward = { kind: 'points' | 'coupon' | 'gift' | 'discount'; value: number | string; note?: string; key?: string };

export const TIER_CHANGE_DIRECTIONS = ['upgrade', 'downgrade'] as const;
export type TierChangeDirection = (typeof TIER_CHANGE_DIRECTIONS)[number];

/**
 * A tier change applied to a member and the rewards granted with it (seed 001). `idempotencyKey` is unique:
 * an upgrade is the member's n-th tier change (`upgrade:<memberId>:<n>`), a downgrade happens once per
 * membership year (`downgrade:<memberId>:<year>`), so no retry or concurrent caller can record one twice.
 */
export const UpgradeHistorySchema = defineEntity({
  name: 'UpgradeHistory',
  tableName: 'upgrade_history',
  properties: {
    id: p.integer().primary().autoincrement(),
    member: () => p.manyToOne(MemberSchema).ref().deleteRule('cascade'),
    fromTier: p.string().length(20).nullable(),
    toTier: p.string().length(20),
    direction: p.enum([...TIER_CHANGE_DIRECTIONS]).default('upgrade'),
    idempotencyKey: p.string().length(100).nullable().unique(),
    /** Staff member who executed it; null for the nightly job. */
    executedBy: p.integer().nullable(),
    rewards: p.json<UpgradeReward[]>().default('[]'),
    createdAt: p.datetime().onCreate(() => new Date()),
  },
});

export type UpgradeHistory = InferEntity<typeof UpgradeHistorySchema>;
