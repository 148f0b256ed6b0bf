import type { Approvable, PendingApproval } from '../approvals/approvable.js';
import type { JobQueue } from '../ports/job-queue.port.js';
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

/**
 * Invitations as an approvable kind: pending_approval → approved (then the send job is queued) | rejected,
 * decided once. A rejection closes the invitation: its open key is cleared, so a new one may be created.
 */
export function invitationApprovable(jobs: JobQueue): Approvable {
  return {
    kind: 'invitation',
    label: '邀约',
    permission: 'outreach:invitation:approve',
    async listPending(em) {
      const rows = await em.find(InvitationSchema, { status: 'pending_approval' }, { orderBy: { createdAt: 'asc' }, limit: 50 });
      return rows.map(toPending);
    },
    async find(em, id) {
      const inv = await em.findOne(InvitationSchema, { id }, { disableIdentityMap: true });
      return inv ? { ...toPending(inv), status: inv.status, pending: inv.status === 'pending_approval', decidedBy: inv.approvedBy ?? null, decidedAt: inv.approvedAt ?? null } : null;
    },
    async approve(em, id, decidedBy) {
      const now = new Date();
      const won = await em.nativeUpdate(InvitationSchema, { id, status: 'pending_approval' }, { status: 'approved', approvedBy: decidedBy, approvedAt: now, rejectedReason: null, updatedAt: now });
      if (won !== 1) return false;
      return {
        followUp: async () => {
          await jobs.enqueue(INVITATION_SEND_JOB, { invitationId: id }, { uniqueKey: `invitation-send-${id}` });
        },
      };
    },
    async reject(em, id, decidedBy, reason) {
      const now = new Date();
      const won = await em.nativeUpdate(
        InvitationSchema,
        { id, status: 'pending_approval' },
        { status: 'rejected', approvedBy: decidedBy, approvedAt: now, rejectedReason: reason.slice(0, 500), openKey: null, updatedAt: now },
      );
      return won === 1;
    },
  };
}
