import type { EntityManager } from '@mikro-orm/core';
import type { Approvable, PendingApproval } from '../approvals/approvable.js';
import type { JobQueue } from '../ports/job-queue.port.js';
import { DomainError } from '../shared/domain-error.js';
import { InvitationSchema, type Invitation } from './invitation.entity.js';

export const INVITATION_SEND_JOB = 'invitation.send';
const CHANNEL_LABELS: Record<string, string> = { sms: '短信', call: '电话', wechat: '微信小程序', email: '邮件' };

function toPending(inv: Invitation): PendingApproval {
  return {
    kind: 'invitation',
    id: inv.id,
    title: `${inv.eventName} · ${inv.customer.id}`,
    submittedBy: inv.createdBy ?? null,
    submittedAt: inv.createdAt,
    lines: [
      ['客户', inv.customer.id],
      ['活动', inv.eventName],
      ['渠道', CHANNEL_LABELS[inv.channel] ?? inv.channel],
      ['激励', inv.incentive ?? '无'],
      ['内容预览', inv.content.length > 60 ? `${inv.content.slice(0, 60)}…` : inv.content],
    ],
  };
}

/** Invitations as an approvable kind: pending_approval → approved (then the send job is queued) | rejected. */
export function invitationApprovable(jobs: JobQueue): Approvable {
  return {
    kind: 'invitation',
    label: '邀约',
    async listPending(em) {
      const rows = await em.find(InvitationSchema, { status: 'pending_approval' }, { orderBy: { createdAt: 'asc' }, limit: 50 });
      return rows.map(toPending);
    },
    async get(em, id) {
      const inv = await em.findOne(InvitationSchema, { id, status: 'pending_approval' });
      return inv ? toPending(inv) : null;
    },
    async approve(em, id, decidedBy) {
      const inv = await pendingInvitation(em, id);
      em.assign(inv, { status: 'approved', approvedBy: decidedBy, approvedAt: new Date(), rejectedReason: null });
      return async () => {
        await jobs.enqueue(INVITATION_SEND_JOB, { invitationId: id }, { uniqueKey: `invitation-send-${id}` });
      };
    },
    async reject(em, id, decidedBy, reason) {
      const inv = await pendingInvitation(em, id);
      em.assign(inv, { status: 'rejected', approvedBy: decidedBy, approvedAt: new Date(), rejectedReason: reason.slice(0, 500) });
    },
  };
}

async function pendingInvitation(em: EntityManager, id: string): Promise<Invitation> {
  const inv = await em.findOne(InvitationSchema, { id });
  if (!inv) throw new DomainError('INVITATION_NOT_FOUND', `邀约 ${id} 不存在`);
  if (inv.status !== 'pending_approval') throw new DomainError('INVITATION_NOT_PENDING_CONFLICT', `邀约 ${id} 当前不是待审批状态（${inv.status}）`);
  return inv;
}
