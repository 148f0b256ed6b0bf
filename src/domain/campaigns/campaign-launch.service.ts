import { randomInt } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/core';
import { reachableSegmentMembers } from '../customers/segments.service.js';
import { OUTREACH_JOBS } from '../outreach/outreach-deps.js';
import { SmsBatchSchema } from '../outreach/sms-batch.entity.js';
import { SmsBatchRecipientSchema } from '../outreach/sms-batch-recipient.entity.js';
import { templateByCode } from '../outreach/sms-template.service.js';
import { smsContent } from '../outreach/sms-send.service.js';
import type { Clock } from '../ports/clock.port.js';
import type { JobQueue } from '../ports/job-queue.port.js';
import { CampaignSchema } from './campaign.entity.js';
import { CampaignTrackingSchema } from './campaign-tracking.entity.js';
import { holdoutSize } from './campaign-plan.policy.js';
import { offerToken } from './offer-link.js';

export const CAMPAIGN_LAUNCH_JOB = 'campaign.launch';

export type LaunchDeps = { clock: Clock; jobs: JobQueue; linkSecret: string; linkBase: string };
export type LaunchResult = { state: 'launched'; batchId: number | null; treated: number; holdout: number } | { state: 'deferred'; until: Date } | { state: 'skipped'; status: string };

const INSERT_CHUNK = 1000;

/**
 * Runs an approved campaign (the job queued by the approval): the segment's active members with a mobile
 * number (one per number) are split at random into the holdout (`holdoutPercent`, recorded per member,
 * sent nothing) and the treated group, whose one SMS batch — a message each, with the member's name and
 * their own signed offer link — goes through the outreach batch worker (compliance, quiet hours, receipts).
 * The status move approved → running is a conditional update in the same transaction as the tracking rows
 * and the batch, so a repeated or concurrent launch does nothing.
 */
export async function launchCampaign(newEm: () => EntityManager, deps: LaunchDeps, campaignId: string): Promise<LaunchResult> {
  const em = newEm();
  const campaign = await em.findOne(CampaignSchema, { id: campaignId }, { disableIdentityMap: true });
  if (!campaign || campaign.status !== 'approved') return { state: 'skipped', status: campaign?.status ?? 'missing' };
  const now = deps.clock.now();
  if (campaign.startAt && campaign.startAt > now) {
    await deps.jobs.enqueue(CAMPAIGN_LAUNCH_JOB, { campaignId }, { runAt: campaign.startAt, uniqueKey: `campaign-launch-${campaignId}-${campaign.startAt.getTime()}` });
    return { state: 'deferred', until: campaign.startAt };
  }
  const template = await templateByCode(em, campaign.smsTemplateCode ?? '', { activeOnly: true });

  const audience = await reachableSegmentMembers(em, campaign.segment);
  const holdout = pickHoldout(audience.length, holdoutSize(audience.length, campaign.holdoutPercent));
  const launched = await em.transactional(async (tx) => {
    const moved = await tx.nativeUpdate(CampaignSchema, { id: campaignId, status: 'approved' }, { status: 'running', startedAt: now, updatedAt: now });
    if (moved !== 1) return null;
    for (let i = 0; i < audience.length; i += INSERT_CHUNK) {
      await tx.insertMany(
        CampaignTrackingSchema,
        audience.slice(i, i + INSERT_CHUNK).map((m, j) => ({ campaign: campaignId, member: m.id, holdout: holdout.has(i + j), phone: m.phone, status: null, revenueFen: 0, costFen: 0, createdAt: now, updatedAt: now })),
      );
    }
    const treated = await tx.find(CampaignTrackingSchema, { campaign: campaignId, holdout: false }, { fields: ['id', 'member', 'phone'], orderBy: { id: 'asc' } });
    if (treated.length === 0) return { batchId: null, treated: 0 };
    const byId = new Map(audience.map((m) => [m.id, m]));
    // One batch for the campaign, sent by the outreach batch worker (compliance, quiet hours, receipts).
    // Each member's link is their own, so each recipient carries its parameters (the worker sends one
    // carrier request per parameter set); the batch's own parameters show the shared part.
    const batch = tx.create(SmsBatchSchema, {
      status: 'sending',
      category: template.category,
      template: template.id,
      message: smsContent(template, ['尊敬的会员', campaign.offer ?? '', `${deps.linkBase}…`]),
      params: [],
      audience: { kind: 'campaign', campaignId, segment: campaign.segment, members: treated.length },
      campaign: campaignId,
      totalCount: treated.length,
      createdBy: campaign.createdBy ?? null,
      approvedBy: campaign.approvedBy ?? null,
      approvedAt: campaign.approvedAt ?? null,
    });
    await tx.flush();
    for (let i = 0; i < treated.length; i += INSERT_CHUNK) {
      await tx.insertMany(
        SmsBatchRecipientSchema,
        treated.slice(i, i + INSERT_CHUNK).map((t) => {
          const member = byId.get(t.member.id);
          const params = [member?.name ?? '会员', campaign.offer ?? '', `${deps.linkBase}${offerToken(deps.linkSecret, t.id)}`];
          return { batch: batch.id, phone: t.phone!, phoneLast8: t.phone!.slice(-8), customer: member?.customerId ?? null, params, status: 'pending' as const, createdAt: now, updatedAt: now };
        }),
      );
    }
    return { batchId: batch.id, treated: treated.length };
  });
  if (!launched) return { state: 'skipped', status: 'running' };
  if (launched.batchId !== null) await deps.jobs.enqueue(OUTREACH_JOBS.batch, { batchId: launched.batchId }, { runAt: now, uniqueKey: `sms-batch-${launched.batchId}` });
  return { state: 'launched', batchId: launched.batchId, treated: launched.treated, holdout: holdout.size };
}

/** `size` distinct positions out of `n`, uniformly at random (partial Fisher–Yates on a CSPRNG). */
export function pickHoldout(n: number, size: number): Set<number> {
  const index = Array.from({ length: n }, (_, i) => i);
  for (let i = 0; i < size; i++) {
    const j = i + randomInt(n - i);
    [index[i], index[j]] = [index[j]!, index[i]!];
  }
  return new Set(index.slice(0, size));
}
