import { defineEntity, p, type InferEntity } from '@mikro-orm/core';
import { MemberSchema } from './member.entity.js';

/**
 * Behaviour figures the nightly job recomputes from member_visits (seed 001); one row per member.
 * Rates are percentages 0-100 with two decimals, mapped to JS numbers.
 */
export const MemberBehaviorSchema = defineEntity({
  name: 'MemberBehavior',
  tableName: 'member_behavior',
  properties: {
    id: p.integer().primary().autoincrement(),
    member: () => p.oneToOne(MemberSchema).owner().ref().deleteRule('cascade'),
    visitFrequency: p.integer().default(0),
    avgSpendingFen: p.integer().default(0),
    lastVisitDate: p.date().nullable(),
    totalSpendingFen: p.bigint('number').default(0),
    favoriteCategories: p.json<string[]>().default('[]'),
    preferredTimeSlots: p.json<string[]>().default('[]'),
    responseRate: p.decimal('number').precision(5).scale(2).default(0),
    churnRisk: p.decimal('number').precision(5).scale(2).default(0),
    updatedAt: p.datetime().onCreate(() => new Date()).onUpdate(() => new Date()),
  },
});

export type MemberBehavior = InferEntity<typeof MemberBehaviorSchema>;
