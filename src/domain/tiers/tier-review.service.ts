import { transactionNotices, type Notice } from '../notifications/notices.js';
import { UniqueConstraintViolationException, type EntityManager } from '@mikro-orm/core';
import type { SqlEntityManager } from '@mikro-orm/sql';
import { MemberSchema } from '../members/member.entity.js';
import { UpgradeHistorySchema } from '../members/upgrade-history.entity.js';
import type { Clock } from '../ports/clock.port.js';
import type { Notifier } from '../ports/notifier.port.js';
import { localParts } from '../shared/business-time.js';
import { maskPhone } from '../shared/phone.js';
import { downgradeAtAnniversary, evaluateUpgrade, isMembershipAnniversary, type TierRule } from './tier-rules.js';
import { loadTierRules, qualifyingFigures } from './tier-standing.query.js';
import { applyUpgrade } from './tier-upgrade.service.js';

export type TierReviewDeps = { clock: Clock; notifier: () => Notifier; timeZone: string; chunkSize?: number };
export type TierReviewReport = { scanned: number; upgraded: number; downgraded: number };

/**
 * The nightly review (seed §5.2 "提档自动化率 100%"): every active member meeting a higher tier's rule is
 * upgraded (the same once-only path as the API), and members whose membership anniversary is today fall
 * one tier when their rolling figures no longer hold their tier. Members are read in id order, a chunk at
 * a time, with their figures grouped in SQL per chunk; a run interrupted part-way is simply run again
 * (nothing already applied is applied twice). `onChunk` reports progress (the job touches its lock).
 */
export async function reviewTiers(newEm: () => EntityManager, deps: TierReviewDeps, onChunk?: (report: TierReviewReport) => Promise<void>): Promise<TierReviewReport> {
  const now = deps.clock.now();
  const today = localParts(now, deps.timeZone).date;
  const size = deps.chunkSize ?? 500;
  const tiers = await loadTierRules(newEm());
  const report: TierReviewReport = { scanned: 0, upgraded: 0, downgraded: 0 };
  if (tiers.length < 2) return report;
  let after = '';
  for (;;) {
    const em = newEm();
    const members = await em.find(MemberSchema, { id: { $gt: after } }, { fields: ['id', 'tier', 'status', 'joinedAt'], orderBy: { id: 'asc' }, limit: size, disableIdentityMap: true });
    if (members.length === 0) break;
    after = members.at(-1)!.id;
    const figures = await qualifyingFigures(em, members.map((m) => m.id), now);
    for (const m of members) {
      const standing = { tier: m.tier, active: m.status === 'active', ...figures.get(m.id)! };
      if (evaluateUpgrade(tiers, standing).eligible) {
        const outcome = await applyUpgrade(newEm(), m.id, { now, executedBy: null, tiers, notifier: deps.notifier() });
        if (outcome.kind === 'upgraded') report.upgraded++;
        continue;
      }
      if (!isMembershipAnniversary(localParts(m.joinedAt, deps.timeZone).date, today)) continue;
      const lower = downgradeAtAnniversary(tiers, standing);
      if (lower && (await applyDowngrade(newEm(), m.id, m.tier, lower, { now, year: today.slice(0, 4), tiers, notifier: deps.notifier() }))) report.downgraded++;
    }
    report.scanned += members.length;
    await onChunk?.(report);
  }
  return report;
}

/**
 * One tier down at the anniversary: a conditional update from the tier evaluated and a history row keyed
 * `downgrade:<memberId>:<year>`, so a membership year sees at most one downgrade however often the job runs.
 */
async function applyDowngrade(em: EntityManager, memberId: string, from: string, to: TierRule, ctx: { now: Date; year: string; tiers: TierRule[]; notifier: Notifier }): Promise<boolean> {
  const notices = transactionNotices(ctx.notifier);
  try {
    const done = await em.transactional(async (tx) => {
      const moved = await (tx as SqlEntityManager).createQueryBuilder(MemberSchema).update({ tier: to.code, updatedAt: ctx.now }).where({ id: memberId, tier: from }).execute('run');
      if (moved.affectedRows !== 1) return false;
      tx.create(UpgradeHistorySchema, { member: memberId, fromTier: from, toTier: to.code, direction: 'downgrade', idempotencyKey: `downgrade:${memberId}:${ctx.year}`, executedBy: null, rewards: [], createdAt: ctx.now });
      await tx.flush();
      // The owner's note is stored with the downgrade (same transaction).
      const note = await downgradeNote(tx, memberId, ctx.tiers.find((t) => t.code === from)?.name ?? from, to.name);
      if (note) await notices.add(tx, note);
      return true;
    });
    await notices.afterCommit();
    return done;
  } catch (err) {
    if (err instanceof UniqueConstraintViolationException) return false;
    throw err;
  }
}

/** The owner's note about a downgrade (none for a member without an owning sales person). */
async function downgradeNote(em: EntityManager, memberId: string, fromName: string, toName: string): Promise<Notice | null> {
  const m = await em.findOne(MemberSchema, { id: memberId }, { populate: ['customer'], disableIdentityMap: true });
  const owner = m?.customer?.isInitialized() ? m.customer.getEntity().ownerStaff : null;
  if (!m || !owner) return null;
  const who = `${m.name ?? '会员'}（${m.id}${m.phone ? `，${maskPhone(m.phone)}` : ''}）`;
  return { staffId: owner, notification: { kind: 'text', title: '会员等级调整', text: `${who} 入会周年复核未达${fromName}标准，已调整为${toName}（每年至多降一级）。` } };
}
