import { CampaignSchema, type Campaign, type CampaignChannel } from '../campaigns/campaign.entity.js';
import { CAMPAIGN_LAUNCH_JOB, campaignAudience } from '../campaigns/campaign-launch.service.js';
import { audienceText } from '../customers/audience.js';
import type { JobQueue } from '../ports/job-queue.port.js';
import type { Approvable, PendingApproval } from './approvable.js';

const CHANNEL_LABELS: Record<CampaignChannel, string> = { sms: '短信', invitation: '活动邀约', wecom: '企业微信（通知负责人跟进）' };

/** Yuan with two decimals from integer fen, as cards show money. */
export function formatFen(fen: number): string {
  return `¥${(fen / 100).toFixed(2)}`;
}

function preview(text: string, max = 60): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max)}…` : flat;
}

function toPending(c: Campaign): PendingApproval {
  return {
      kind: 'campaign',
      id: c.id,
      title: c.name,
      submittedBy: c.createdBy ?? null,
      submittedAt: c.submittedAt ?? c.updatedAt,
      lines: [
        ['目标人群', `${audienceText(campaignAudience(c))}（${c.audienceSize} 人）`],
        ['渠道', (c.channels ?? ['sms']).map((ch) => CHANNEL_LABELS[ch]).join('、')],
        // The event as staff know it (its name), not its code.
        ...(c.event ? [['邀约活动', c.event.getEntity().name] as [string, string]] : []),
        ['内容预览', preview(c.content)],
        ['预计成本', formatFen(c.estimatedCostFen)],
      ],
    };
  }

  /**
   * Campaigns as an approvable kind: draft → pending_approval → approved | rejected (decided once). Approval
   * queues the launch (holdout, tracking rows, the channel mix) at the campaign's start time once the decision
   * is committed. The approval covers the campaign's invitations too: the card names the event and the
   * channels, and the launch creates those invitations already approved by this decision.
   */
  export function campaignApprovable(jobs: JobQueue): Approvable {
    return {
    kind: 'campaign',
    label: '营销活动',
    permission: 'customer:campaign:approve',
    async listPending(em) {
      const rows = await em.find(CampaignSchema, { status: 'pending_approval' }, { orderBy: { submittedAt: 'asc', id: 'asc' }, limit: 50, populate: ['event'] });
      return rows.map(toPending);
    },
    async find(em, id) {
      const c = await em.findOne(CampaignSchema, { id }, { disableIdentityMap: true, populate: ['event'] });
      return c ? { ...toPending(c), status: c.status, pending: c.status === 'pending_approval', decidedBy: c.approvedBy ?? null, decidedAt: c.approvedAt ?? null } : null;
    },
    async approve(em, id, decidedBy) {
      const now = new Date();
      const won = await em.nativeUpdate(CampaignSchema, { id, status: 'pending_approval' }, { status: 'approved', approvedBy: decidedBy, approvedAt: now, rejectedReason: null, updatedAt: now });
      if (won !== 1) return false;
      const campaign = await em.findOne(CampaignSchema, { id }, { fields: ['startAt'], disableIdentityMap: true });
      const runAt = campaign?.startAt && campaign.startAt > now ? campaign.startAt : now;
      return { followUp: async () => void (await jobs.enqueue(CAMPAIGN_LAUNCH_JOB, { campaignId: id }, { runAt, uniqueKey: `campaign-launch-${id}` })) };
    },
    async reject(em, id, decidedBy, reason) {
      const now = new Date();
      // approved_by/approved_at record who decided and when, whichever way (see approvalColumns).
      const won = await em.nativeUpdate(CampaignSchema, { id, status: 'pending_approval' }, { status: 'rejected', approvedBy: decidedBy, approvedAt: now, rejectedReason: reason.slice(0, 500), updatedAt: now });
      return won === 1;
    },
  };
}
