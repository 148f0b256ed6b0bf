import { defineEntity, p, type InferEntity } from '@mikro-orm/core';
import { MemberSchema } from './member.entity.js';

export type UpgradeReward = { kind: 'points' | 'coupon' | 'gift' | 'discount'; value: number | string; note?: string };

/** A tier change applied to a member and the rewards granted with it (seed 001). */
export const UpgradeHistorySchema = defineEntity({
  name: 'UpgradeHistory',
  tableName: 'upgrade_history',
  properties: {
    id: p.integer().primary().autoincrement(),
    member: () => p.manyToOne(MemberSchema).ref().deleteRule('cascade'),
    fromTier: p.string().length(20).nullable(),
    toTier: p.string().length(20),
    rewards: p.json<UpgradeReward[]>().default('[]'),
    createdAt: p.datetime().onCreate(() => new Date()),
  },
});

export type UpgradeHistory = InferEntity<typeof UpgradeHistorySchema>;
