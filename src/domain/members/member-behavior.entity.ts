import { defineEntity, p, type InferEntity } from '@mikro-orm/core';
import { CUSTOMER_SEGMENTS } from '../shared/vocabulary.js';
import { MemberSchema } from './member.entity.js';

/**
 * Behaviour figures the nightly job recomputes from member_visits and campaign_tracking in SQL
 * (`behavior.query.ts`); one row per member. `responseRate` is a percentage 0-100, `churnRisk` 0-1,
 * both with two decimals. The RFM scores (1-5) and the segment are written by the same run.
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
    churnRisk: p.decimal('number').precision(5).scale(2).default(0).index(),
    /** Visits and spending over the last 365 days: the F and M of RFM. */
    visits365d: p.integer().fieldName('visits_365d').default(0),
    spending365dFen: p.bigint('number').fieldName('spending_365d_fen').default(0),
    visitCount: p.integer().default(0),
    firstVisitAt: p.datetime().nullable(),
    lastVisitAt: p.datetime().nullable(),
    /** Days since the last visit (since joining when there was none) at the time of the run: the R of RFM. */
    recencyDays: p.integer().default(0),
    /** The member's own usual days between visits (null with fewer than two visits). */
    usualIntervalDays: p.decimal('number').precision(8).scale(2).nullable(),
    /** Share 0-1 of the last 365 days' visits that started at night (21:00-05:00 business time). */
    nightShare: p.decimal('number').precision(5).scale(2).default(0),
    campaignsReceived: p.integer().default(0),
    rScore: p.tinyint().nullable(),
    fScore: p.tinyint().nullable(),
    mScore: p.tinyint().nullable(),
    segment: p.enum([...CUSTOMER_SEGMENTS]).nullable().index(),
    updatedAt: p.datetime().onCreate(() => new Date()).onUpdate(() => new Date()),
  },
});

export type MemberBehavior = InferEntity<typeof MemberBehaviorSchema>;
