import { randomInt } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/core';
import type { ComplianceSettings } from '../compliance/compliance.service.js';
import { audienceMembers } from '../customers/audience.query.js';
import { transactionNotices } from '../notifications/notices.js';
import { OUTREACH_JOBS } from '../outreach/outreach-deps.js';
import { INVITATION_SEND_JOB } from '../outreach/invitation.approvable.js';
import type { Clock } from '../ports/clock.port.js';
import type { JobQueue } from '../ports/job-queue.port.js';
import type { Notifier } from '../ports/notifier.port.js';
import { CampaignSchema, type Campaign } from './campaign.entity.js';
import { CampaignTrackingSchema } from './campaign-tracking.entity.js';
import { holdoutSize } from './campaign-plan.policy.js';
import { inviteCustomers, noteOwners, sendSmsBatch, type TreatedMember } from './campaign-channels.launch.js';

export const CAMPAIGN_LAUNCH_JOB = 'campaign.launch';

export type LaunchDeps = {
  clock: Clock;
  jobs: JobQueue;
  linkSecret: string;
  linkBase: string;
  /** Compliance of the WeCom notes (the SMS batch worker and the invitation send job check their own). */
  compliance: ComplianceSettings;
  /** The staff notifier (the outbox): WeCom notes to owners. */
  notifier: () => Notifier;
};
export type LaunchResult =
  | { state: 'launched'; batchId: number | null; invitations: number; ownerNotes: number; treated: number; holdout: number }
  | { state: 'deferred'; until: Date }
  | { state: 'skipped'; status: string };

const INSERT_CHUNK = 1000;

/** Who a campaign goes to: its stored audience (segment narrowed by tags or a recent visit), else its segment. */
export function campaignAudience(c: Pick<Campaign, 'segment' | 'audience'>) {
  return c.audience ?? { segments: [c.segment] };
}

/**
 * Runs an approved campaign (the job queued by the approval): the audience's active members with a mobile
 * number (one per number) are split at random into the holdout (`holdoutPercent`, recorded per member,
 * sent nothing, no delivery rows) and the treated group, which goes through each channel of the campaign's
 * mix (campaign-channels.launch.ts): the SMS batch, event invitations, WeCom notes to the owners — each
 * with compliance, each writing a delivery row per member. The status move approved → running is a
 * conditional update in the same transaction as the tracking rows and everything the channels write, so a
 * repeated or concurrent launch does nothing.
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
  const audience = await audienceMembers(em, campaignAudience(campaign), now);
  const holdout = pickHoldout(audience.length, holdoutSize(audience.length, campaign.holdoutPercent));
  const channels = campaign.channels ?? ['sms'];
  const notices = transactionNotices(deps.notifier());
  const launched = await em.transactional(async (tx) => {
    const moved = await tx.nativeUpdate(CampaignSchema, { id: campaignId, status: 'approved' }, { status: 'running', startedAt: now, updatedAt: now });
    if (moved !== 1) return null;
    for (let i = 0; i < audience.length; i += INSERT_CHUNK) {
      await tx.insertMany(
        CampaignTrackingSchema,
        audience.slice(i, i + INSERT_CHUNK).map((m, j) => ({ campaign: campaignId, member: m.id, holdout: holdout.has(i + j), phone: m.phone, status: null, revenueFen: 0, costFen: 0, createdAt: now, updatedAt: now })),
      );
    }
    const rows = await tx.find(CampaignTrackingSchema, { campaign: campaignId, holdout: false }, { fields: ['id', 'member'], orderBy: { id: 'asc' } });
    const byId = new Map(audience.map((m) => [m.id, m]));
    const treated: TreatedMember[] = rows.map((t) => ({ ...byId.get(t.member.id)!, trackingId: t.id }));
    if (treated.length === 0) return { batchId: null, invitationIds: [], ownerNotes: 0, treated: 0 };
    const batchId = channels.includes('sms') ? await sendSmsBatch(tx, campaign, treated, deps, now) : null;
    const invitationIds = channels.includes('invitation') ? await inviteCustomers(tx, campaign, treated, deps, now) : [];
    const ownerNotes = channels.includes('wecom') ? await noteOwners(tx, campaign, treated, deps, notices, now) : 0;
    return { batchId, invitationIds, ownerNotes, treated: treated.length };
  });
  if (!launched) return { state: 'skipped', status: 'running' };
  // After the commit: the channels' own jobs (each finds its rows), the owners' notes (a transport that sends
  // at once sends them now) and the outbox deliverer.
  if (launched.batchId !== null) await deps.jobs.enqueue(OUTREACH_JOBS.batch, { batchId: launched.batchId }, { runAt: now, uniqueKey: `sms-batch-${launched.batchId}` });
  for (const invitationId of launched.invitationIds) await deps.jobs.enqueue(INVITATION_SEND_JOB, { invitationId }, { runAt: now, uniqueKey: `invitation-send-${invitationId}` });
  await notices.afterCommit();
  return { state: 'launched', batchId: launched.batchId, invitations: launched.invitationIds.length, ownerNotes: launched.ownerNotes, treated: launched.treated, holdout: holdout.size };
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
