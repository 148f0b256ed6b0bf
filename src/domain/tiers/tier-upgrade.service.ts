import { raw, UniqueConstraintViolationException, type EntityManager } from '@mikro-orm/core';
import type { SqlEntityManager } from '@mikro-orm/sql';
import { authorize, type Actor } from '../auth/actor.js';
import { MemberSchema } from '../members/member.entity.js';
import { UpgradeHistorySchema, type UpgradeReward } from '../members/upgrade-history.entity.js';
import type { Clock } from '../ports/clock.port.js';
import type { Notifier, StaffNotification } from '../ports/notifier.port.js';
import { transactionNotices } from '../notifications/notices.js';
import { DomainError } from '../shared/domain-error.js';
import { maskPhone } from '../shared/phone.js';
import { evaluateUpgrade, rewardsFor, type TierRule, type UpgradeEvaluation } from './tier-rules.js';
import { loadTierRules, qualifyingFigures, type QualifyingFigures } from './tier-standing.query.js';

export type TierDeps = { clock: Clock; notifier: () => Notifier };

export type EvaluationView = UpgradeEvaluation & { memberId: string; qualifying: QualifyingFigures & { windowDays: number } };

/** The answer of an executed upgrade; a repeated execute answers the same with `replayed: true`. */
export type UpgradeResult = {
  memberId: string;
  fromTier: string | null;
  fromTierName: string | null;
  toTier: string;
  toTierName: string;
  rewards: UpgradeReward[];
  upgradeId: number;
  upgradedAt: Date;
  replayed: boolean;
};

type MemberRow = { id: string; tier: string; status: string; name: string | null; phone: string | null; points: number; ownerStaffId: number | null };

async function findMember(em: EntityManager, memberId: string): Promise<MemberRow> {
  const m = await em.findOne(MemberSchema, { id: memberId }, { populate: ['customer'], disableIdentityMap: true });
  if (!m) throw new DomainError('MEMBER_NOT_FOUND', `会员 ${memberId} 不存在`);
  const owner = m.customer?.isInitialized() ? (m.customer.getEntity().ownerStaff ?? null) : null;
  return { id: m.id, tier: m.tier, status: m.status, name: m.name ?? null, phone: m.phone ?? null, points: m.points, ownerStaffId: owner };
}

async function evaluate(em: EntityManager, member: MemberRow, tiers: TierRule[], now: Date): Promise<EvaluationView> {
  const figures = (await qualifyingFigures(em, [member.id], now)).get(member.id)!;
  const evaluation = evaluateUpgrade(tiers, { tier: member.tier, active: member.status === 'active', ...figures });
  return { memberId: member.id, ...evaluation, qualifying: { ...figures, windowDays: 365 } };
}

/** Seed §4.3 evaluateUpgrade: current and next tier, progress, eligibility and what is missing. */
export async function evaluateMemberUpgrade(em: EntityManager, actor: Actor, memberId: string, deps: Pick<TierDeps, 'clock'>): Promise<EvaluationView> {
  authorize(actor, ['customer:upgrade:evaluate', 'customer:upgrade:execute'], '提档评估');
  const member = await findMember(em, memberId);
  return evaluate(em, member, await loadTierRules(em), deps.clock.now());
}

/** Seed §4.3 autoUpgrade by a staff member: upgrades once and notifies the customer's owner. */
export async function executeMemberUpgrade(em: EntityManager, actor: Actor, memberId: string, deps: TierDeps): Promise<UpgradeResult> {
  authorize(actor, 'customer:upgrade:execute', '执行提档');
  const notifier = deps.notifier();
  const outcome = await applyUpgrade(em, memberId, { now: deps.clock.now(), executedBy: actor.staffId, notifier });
  if (outcome.kind === 'upgraded') {
    return outcome.result;
  }
  const replay = await lastUpgradeToCurrentTier(em.fork(), memberId);
  if (replay) return replay;
  throw new DomainError('UPGRADE_NOT_ELIGIBLE', `会员 ${memberId} 暂不符合提档条件：${outcome.evaluation.missing.join('；') || '已是最高等级'}`, outcome.evaluation);
}

export type ApplyOutcome =
  | { kind: 'upgraded'; member: MemberRow; result: UpgradeResult }
  | { kind: 'not_eligible'; evaluation: EvaluationView };

/**
 * Evaluates and, when eligible, upgrades in one transaction. The tier moves with a conditional update
 * (`… WHERE tier = <the tier evaluated>`) that adds the tier's points in the same statement; the history row
 * carries the unique key `upgrade:<memberId>:<n>` (the member's n-th tier change). Of any number of
 * concurrent callers one changes the row; the others' update matches nothing (or their key collides) and
 * they come back as not eligible, then see the winner's upgrade. Rewards are granted exactly once.
 */
export async function applyUpgrade(em: EntityManager, memberId: string, options: { now: Date; executedBy: number | null; tiers?: TierRule[]; notifier?: Notifier }): Promise<ApplyOutcome> {
  // Whole seconds: what MySQL DATETIME keeps, so a replay answers the very same instant.
  const at = new Date(Math.floor(options.now.getTime() / 1000) * 1000);
  const notices = transactionNotices(options.notifier);
  try {
    const outcome = await em.fork().transactional(async (tx) => {
      const member = await findMember(tx, memberId);
      const tiers = options.tiers ?? (await loadTierRules(tx));
      const evaluation = await evaluate(tx, member, tiers, options.now);
      const target = evaluation.eligible && evaluation.nextTier ? tiers.find((t) => t.code === evaluation.nextTier!.code)! : null;
      if (!target) return { kind: 'not_eligible' as const, evaluation };
      const changes = await tx.count(UpgradeHistorySchema, { member: memberId });
      const key = `upgrade:${memberId}:${changes + 1}`;
      const rewards = rewardsFor(target, key);
      const moved = await (tx as SqlEntityManager)
        .createQueryBuilder(MemberSchema)
        .update({ tier: target.code, points: raw('points + ?', [target.rewards.points]), updatedAt: at })
        .where({ id: memberId, tier: member.tier })
        .execute('run');
      if (moved.affectedRows !== 1) return { kind: 'not_eligible' as const, evaluation: { ...evaluation, eligible: false } };
      const row = tx.create(UpgradeHistorySchema, {
        member: memberId,
        fromTier: member.tier,
        toTier: target.code,
        direction: 'upgrade',
        idempotencyKey: key,
        executedBy: options.executedBy,
        rewards,
        createdAt: at,
      });
      await tx.flush();
      const result: UpgradeResult = { memberId, fromTier: member.tier, fromTierName: evaluation.currentTier.name, toTier: target.code, toTierName: target.name, rewards, upgradeId: row.id, upgradedAt: row.createdAt, replayed: false };
      // The owner's note is stored with the upgrade (same transaction): no upgrade without its note.
      if (member.ownerStaffId) await notices.add(tx, { staffId: member.ownerStaffId, notification: ownerNote(member, result) });
      return { kind: 'upgraded' as const, member, result };
    });
    await notices.afterCommit();
    return outcome;
  } catch (err) {
    if (!(err instanceof UniqueConstraintViolationException)) throw err;
    // Another caller recorded this change first (same key): ours rolled back, points included.
    const member = await findMember(em.fork(), memberId);
    return { kind: 'not_eligible', evaluation: await evaluate(em.fork(), member, await loadTierRules(em.fork()), options.now) };
  }
}

/** The member's latest change when it was the upgrade to the tier they hold now, as its execute answered. */
async function lastUpgradeToCurrentTier(em: EntityManager, memberId: string): Promise<UpgradeResult | null> {
  const member = await em.findOne(MemberSchema, { id: memberId }, { fields: ['tier'], disableIdentityMap: true });
  const last = await em.findOne(UpgradeHistorySchema, { member: memberId }, { orderBy: { id: 'desc' }, disableIdentityMap: true });
  if (!member || !last || last.direction !== 'upgrade' || last.toTier !== member.tier) return null;
  const tiers = await loadTierRules(em);
  const name = (code: string) => tiers.find((t) => t.code === code)?.name ?? code;
  return { memberId, fromTier: last.fromTier ?? null, fromTierName: last.fromTier ? name(last.fromTier) : null, toTier: last.toTier, toTierName: name(last.toTier), rewards: last.rewards, upgradeId: last.id, upgradedAt: last.createdAt, replayed: true };
}

/** The WeCom note to the customer's owner about an upgrade. */
function ownerNote(member: MemberRow, result: UpgradeResult): StaffNotification {
  const who = `${member.name ?? '会员'}（${member.id}${member.phone ? `，${maskPhone(member.phone)}` : ''}）`;
  const granted = result.rewards.map((r) => r.note ?? String(r.value)).join('、') || '无';
  return {
    kind: 'text',
    title: '会员升级',
    text: `${who} 已从 ${result.fromTierName ?? '无等级'} 升级为 ${result.toTierName}。已发放：${granted}。`,
  };
}
