import { defineEntity, p, type InferEntity } from '@mikro-orm/core';
import { MemberSchema } from './member.entity.js';

/** One visit with what was spent; the source the behaviour and RFM figures are computed from. */
export const MemberVisitSchema = defineEntity({
  name: 'MemberVisit',
  tableName: 'member_visits',
  properties: {
    id: p.integer().primary().autoincrement(),
    member: () => p.manyToOne(MemberSchema).ref().deleteRule('cascade'),
    visitedAt: p.datetime(),
    spendingFen: p.integer().default(0),
    categories: p.json<string[]>().default('[]'),
    createdAt: p.datetime().onCreate(() => new Date()),
  },
  indexes: [{ properties: ['member', 'visitedAt'] }, { properties: ['visitedAt'] }],
});

export type MemberVisit = InferEntity<typeof MemberVisitSchema>;
