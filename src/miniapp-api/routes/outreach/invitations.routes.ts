import { z } from 'zod';
import type { ApprovalService } from '../../../domain/approvals/approval.service.js';
import { createInvitation, invitationPerformance, inviteAudience, MAX_AUDIENCE_INVITATIONS, type InvitationSettings } from '../../../domain/outreach/invitation.service.js';
import { INVITATION_RESPONSES, INVITATION_STATUSES } from '../../../domain/outreach/invitation.entity.js';
import type { Notifier } from '../../../domain/ports/notifier.port.js';
import { CONTACT_CHANNELS } from '../../../domain/shared/vocabulary.js';
import { instant } from '../../http/response.schemas.js';
import { pagingQuery } from '../../http/paging.js';
import { getInvitation, listInvitations } from '../../../domain/outreach/invitation.query.js';
import { reply, route, routes } from '../../http/route.js';
import { listRoute } from '../../http/list-route.js';
import { audienceFilter, toAudience } from '../../../domain/customers/audience.js';

export const createInvitationBody = z.object({ customerId: z.string().trim().min(1).max(64), eventId: z.string().trim().min(1).max(50) });
export const audienceInvitationBody = z.object({ eventId: z.string().trim().min(1).max(50), filter: audienceFilter });
export const rejectBody = z.object({ reason: z.string().trim().min(1).max(500) });
const idParams = z.object({ id: z.string().regex(/^[A-Za-z0-9_-]{1,50}$/, '邀约编号格式不正确') });
const performanceQuery = z.object({ eventId: z.string().trim().min(1).max(50) });

export const invitationView = z.object({
  id: z.string(),
  customerId: z.string(),
  eventId: z.string(),
  eventName: z.string(),
  eventDate: instant,
  content: z.string(),
  incentive: z.string().nullable(),
  channel: z.enum(CONTACT_CHANNELS),
  status: z.enum(INVITATION_STATUSES),
  createdBy: z.number().int().nullable(),
  approvedBy: z.number().int().nullable(),
  sentAt: instant.nullable(),
  failureReason: z.string().nullable().meta({ description: '发送失败的原因（status=failed）：NO_CONSENT、OPTED_OUT、BLACKLISTED、FREQUENCY_CAP、NO_MOBILE、运营商错误码…' }),
  failedAt: instant.nullable(),
  createdAt: instant,
});
const audienceInvited = z.object({
  eventId: z.string(),
  created: z.number().int(),
  invitations: z.array(invitationView),
  skipped: z.array(z.object({ customerId: z.string(), reason: z.literal('INVITATION_EXISTS') })).meta({ description: '已有该活动未关闭邀约的客户' }),
});
export const invitationListQuery = pagingQuery(['createdAt', 'eventDate'], 'createdAt').extend({
  status: z.enum(INVITATION_STATUSES).optional(),
  eventId: z.string().trim().min(1).max(50).optional(),
  customerId: z.string().trim().min(1).max(64).optional(),
  channel: z.enum(CONTACT_CHANNELS).optional(),
  createdBy: z.coerce.number().int().positive().max(2_147_483_647).optional(),
});
const decided = z.object({ invitationId: z.string(), status: z.enum(['approved', 'rejected']) });
const counts = z.record(z.string(), z.number().int());
export const performance = z.object({
  eventId: z.string(),
  eventName: z.string(),
  total: z.number().int(),
  pendingApproval: z.number().int(),
  rejected: z.number().int(),
  failed: z.number().int().meta({ description: '未能发出（原因见 GET /invitations?status=failed）' }),
  sent: z.number().int(),
  accepted: z.number().int(),
  declined: z.number().int(),
  responses: z.object(Object.fromEntries(INVITATION_RESPONSES.map((r) => [r, z.number().int()])) as Record<(typeof INVITATION_RESPONSES)[number], z.ZodNumber>),
  byChannel: counts,
  responseRate: z.number().meta({ description: '百分比' }),
  acceptanceRate: z.number().meta({ description: '百分比' }),
});


/**
 * Invitations (seed 000 §5.5): generated and submitted for approval; a manager approves or rejects
 * (the same decision the chat card and 批准/驳回 commands take), then the send job delivers it.
 */
export function invitationRoutes(approvals: ApprovalService, notifier: Notifier, settings: InvitationSettings) {
  const decide = (action: 'approve' | 'reject') =>
    route({
      method: 'post',
      path: `/api/ai-ops/outreach/invitations/:id/${action}`,
      summary: action === 'approve' ? '批准邀约（随后排队发送）' : '驳回邀约（需填写原因）',
      tags: ['outreach'],
      permissions: ['outreach:invitation:approve'],
      params: idParams,
      ...(action === 'reject' ? { body: rejectBody } : {}),
      responses: { 200: { description: '决定已记录', schema: decided } },
      errors: ['INVITATION_NOT_FOUND', 'INVITATION_NOT_PENDING_CONFLICT', 'APPROVAL_NOT_FOUND', 'FORBIDDEN', 'APPROVAL_ALREADY_DECIDED', 'APPROVAL_NOT_PENDING', 'APPROVAL_SELF_FORBIDDEN', 'APPROVAL_REASON_REQUIRED'],
      handler: async (ctx, input) => {
        const reason = (input.body as z.output<typeof rejectBody> | undefined)?.reason;
        const done = await approvals.decide(ctx.state.em, ctx.state.actor!, { kind: 'invitation', id: input.params.id, approve: action === 'approve', reason });
        return { invitationId: done.id, status: action === 'approve' ? 'approved' : 'rejected' };
      },
    });
  return routes(
    route({
      method: 'post',
      path: '/api/ai-ops/outreach/invitation',
      summary: '生成活动邀约并提交审批',
      tags: ['outreach'],
      permissions: ['outreach:invitation:create'],
      body: createInvitationBody,
      responses: { 201: { description: '待审批的邀约', schema: invitationView } },
      errors: ['CUSTOMER_NOT_FOUND', 'EVENT_NOT_FOUND', 'EVENT_PAST_CONFLICT', 'INVITATION_EXISTS'],
      handler: async (ctx, { body }) =>
        reply(201, await createInvitation(ctx.state.em, ctx.state.actor!, body, settings, { approvals, notifier })),
    }),
    route({
      method: 'post',
      path: '/api/ai-ops/outreach/invitations/audience',
      summary: `按受众（客户分层、会员标签、最近到访）为活动生成邀约并逐条提交审批（最多 ${MAX_AUDIENCE_INVITATIONS} 位客户）`,
      tags: ['outreach'],
      permissions: ['outreach:invitation:create'],
      body: audienceInvitationBody,
      responses: { 201: { description: '待审批的邀约，及已有邀约而跳过的客户', schema: audienceInvited } },
      errors: ['EVENT_NOT_FOUND', 'EVENT_PAST_CONFLICT', 'INVITATION_AUDIENCE_EMPTY', 'INVITATION_AUDIENCE_TOO_LARGE'],
      handler: async (ctx, { body }) =>
        reply(201, await inviteAudience(ctx.state.em, ctx.state.actor!, { eventId: body.eventId, filter: toAudience(body.filter) }, settings, { approvals, notifier })),
    }),
    route({
      method: 'get',
      path: '/api/ai-ops/outreach/invitations/performance',
      summary: '活动邀约效果：按状态、回复、渠道计数，回复率与接受率',
      tags: ['outreach'],
      permissions: ['outreach:history:view', 'outreach:invitation:approve'],
      query: performanceQuery,
      responses: { 200: { description: '邀约效果', schema: performance } },
      errors: ['EVENT_NOT_FOUND'],
      handler: (ctx, { query }) => invitationPerformance(ctx.state.em, query.eventId),
    }),
    listRoute({
      path: '/api/ai-ops/outreach/invitations',
      summary: '邀约列表：按状态（failed 即发送失败及原因）、活动、客户、渠道、提交人筛选，分页',
      tags: ['outreach'],
      permissions: ['outreach:history:view', 'outreach:invitation:approve'],
      query: invitationListQuery,
      page: { description: '一页邀约', item: invitationView },
      errors: [],
      list: (ctx, { query }) => listInvitations(ctx.state.em, ctx.state.actor!, query),
    }),
    route({
      method: 'get',
      path: '/api/ai-ops/outreach/invitations/:id',
      summary: '一条邀约（任意状态；failed 时含原因）',
      tags: ['outreach'],
      permissions: ['outreach:history:view', 'outreach:invitation:approve'],
      params: idParams,
      responses: { 200: { description: '邀约', schema: invitationView } },
      errors: ['INVITATION_NOT_FOUND'],
      handler: (ctx, { params }) => getInvitation(ctx.state.em, ctx.state.actor!, params.id),
    }),
    decide('approve'),
    decide('reject'),
  );
}
