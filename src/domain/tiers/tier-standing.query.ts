import { raw, type EntityManager } from '@mikro-orm/core';
import type { SqlEntityManager } from '@mikro-orm/sql';
import { MemberBehaviorSchema } from '../members/member-behavior.entity.js';
import { MemberVisitSchema } from '../members/member-visit.entity.js';
import { MemberTierSchema } from './member-tier.entity.js';
import { QUALIFYING_WINDOW_DAYS, type TierRule } from './tier-rules.js';

const DAY = 86_400_000;

export type QualifyingFigures = { spendFen: number; visits: number; churnRisk: number | null };

/** The tier table, lowest rank first. */
export async function loadTierRules(em: EntityManager): Promise<TierRule[]> {
  const rows = await em.find(MemberTierSchema, {}, { orderBy: { rank: 'asc' }, disableIdentityMap: true });
  return rows.map((t) => ({ code: t.code, name: t.name, rank: t.rank, minSpendFen: Number(t.minSpendFen), minVisits: t.minVisits, maxChurnRisk: Number(t.maxChurnRisk), rewards: t.rewards }));
}

/** Start of the qualifying window ending at `now` (visits after it and up to now count). */
export function windowStart(now: Date): Date {
  return new Date(now.getTime() - QUALIFYING_WINDOW_DAYS * DAY);
}

/**
 * Spend and visits over the rolling window, and the behaviour job's churn risk, for each member id given:
 * one grouped statement over member_visits and one read of member_behavior, whatever the count.
 * Members without visits in the window get zeros.
 */
export async function qualifyingFigures(em: EntityManager, memberIds: readonly string[], now: Date): Promise<Map<string, QualifyingFigures>> {
  const out = new Map<string, QualifyingFigures>(memberIds.map((id) => [id, { spendFen: 0, visits: 0, churnRisk: null }]));
  if (memberIds.length === 0) return out;
  const sums = await (em as SqlEntityManager)
    .createQueryBuilder(MemberVisitSchema, 'v')
    .select(['v.member', raw('coalesce(sum(v.spending_fen), 0) as spend'), raw('count(*) as visits')])
    .where({ member: { $in: [...memberIds] }, visitedAt: { $gt: windowStart(now), $lte: now } })
    .groupBy('v.member')
    .execute<Array<{ member_id?: string; member?: string; spend: number | string; visits: number | string }>>('all', false);
  for (const row of sums) {
    const id = String(row.member_id ?? row.member);
    const figures = out.get(id);
    if (figures) Object.assign(figures, { spendFen: Number(row.spend), visits: Number(row.visits) });
  }
  const behaviour = await em.find(MemberBehaviorSchema, { member: { $in: [...memberIds] } }, { fields: ['member', 'churnRisk'], disableIdentityMap: true });
  for (const b of behaviour) {
    const figures = out.get(b.member.id);
    if (figures) figures.churnRisk = Number(b.churnRisk);
  }
  return out;
}
