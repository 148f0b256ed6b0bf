import type { EntityManager } from '@mikro-orm/core';
import { CampaignSchema, type Campaign } from '../campaigns/campaign.entity.js';
import { DomainError } from '../shared/domain-error.js';
import type { Approvable, PendingApproval } from './approvable.js';

const CHANNEL_LABELS: Record<string, string> = { sms: '短信', call: '电话', wechat: '微信', email: '邮件' };

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
      ['目标人群', `${c.segment}（${c.audienceSize} 人）`],
      ['渠道', CHANNEL_LABELS[c.channel] ?? c.channel],
      ['内容预览', preview(c.content)],
      ['预计成本', formatFen(c.estimatedCostFen)],
    ],
  };
}

/** Campaigns as an approvable kind: draft → pending_approval → approved | rejected. */
export const campaignApprovable: Approvable = {
  kind: 'campaign',
  label: '营销活动',
  async listPending(em) {
    const rows = await em.find(CampaignSchema, { status: 'pending_approval' }, { orderBy: { submittedAt: 'asc', id: 'asc' }, limit: 50 });
    return rows.map(toPending);
  },
  async get(em, id) {
    const c = await em.findOne(CampaignSchema, { id, status: 'pending_approval' });
    return c ? toPending(c) : null;
  },
  async approve(em, id, decidedBy) {
    const c = await pendingCampaign(em, id);
    em.assign(c, { status: 'approved', approvedBy: decidedBy, approvedAt: new Date(), rejectedReason: null });
  },
  async reject(em, id, decidedBy, reason) {
    const c = await pendingCampaign(em, id);
    // approved_by/approved_at record who decided and when, whichever way (see approvalColumns).
    em.assign(c, { status: 'rejected', approvedBy: decidedBy, approvedAt: new Date(), rejectedReason: reason.slice(0, 500) });
  },
};

async function pendingCampaign(em: EntityManager, id: string): Promise<Campaign> {
  const c = await em.findOne(CampaignSchema, { id });
  if (!c) throw new DomainError('CAMPAIGN_NOT_FOUND', `营销活动 ${id} 不存在`);
  if (c.status !== 'pending_approval') throw new DomainError('CAMPAIGN_NOT_PENDING_CONFLICT', `营销活动 ${id} 当前不是待审批状态`);
  return c;
}

