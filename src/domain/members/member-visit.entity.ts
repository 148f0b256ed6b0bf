import { defineEntity, p, type InferEntity } from '@mikro-orm/core';
import { MemberSchema } from './member.entity.js';

/** One visit with what was spent; the source the behaviour and RFM figures are computed from. */
export const MemberVisitSchema = defineEntity({
  name: 'MemberVisit',
  tableName: 'member_visits',
  properties: {
    id: p.integer().primary().autoincrement(),
    /** No index of its own: the (member, visitedAt, spendingFen) index serves the foreign key and every lookup by member. */
    member: () => p.manyToOne(MemberSchema).ref().deleteRule('cascade').index(false),
    visitedAt: p.datetime(),
    spendingFen: p.integer().default(0),
    categories: p.json<string[]>().default('[]'),
    createdAt: p.datetime().onCreate(() => new Date()),
  },
  indexes: [{ properties: ['member', 'visitedAt', 'spendingFen'] }, { properties: ['visitedAt'] }],
});

export type MemberVisit = InferEntity<typeof MemberVisitSchema>;
