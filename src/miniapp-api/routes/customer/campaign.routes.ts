import { z } from 'zod';
import type { ApprovalService } from '../../../domain/approvals/approval.service.js';
import { createCampaign, type CampaignDeps } from '../../../domain/campaigns/campaign.service.js';
import { audienceFields, segmentValue } from '../../../domain/customers/audience.js';
import { CAMPAIGN_CHANNELS, CAMPAIGN_STATUSES, CAMPAIGN_TYPES } from '../../../domain/campaigns/campaign.entity.js';
import { campaignPerformance } from '../../../domain/campaigns/campaign-performance.query.js';
import { isoDateTime } from '../../../domain/shared/date-time.schema.js';
import { CUSTOMER_SEGMENTS } from '../../../domain/shared/vocabulary.js';
import { instant } from '../../http/response.schemas.js';
import { reply, route, routes } from '../../http/route.js';

const campaignId = z.string().trim().regex(/^[A-Za-z0-9_-]{1,50}$/, '活动编号格式不正确');
const channel = z.enum(CAMPAIGN_CHANNELS, { error: (iss) => `未知的渠道「${String(iss.input)}」，可选：${CAMPAIGN_CHANNELS.join('、')}` });
export const createCampaignBody = z.object({
  segment: segmentValue.meta({ description: '目标分层（决定活动类型与内容）' }),
  tags: audienceFields.tags.meta({ description: '只发给该分层中带这些标签（任一即可）的会员' }),
  lastVisitDays: audienceFields.lastVisitDays.meta({ description: '只发给该分层中最近 N 天内到访的会员' }),
  type: z.enum(CAMPAIGN_TYPES).optional(),
  channel: z
    .union([channel, z.array(channel).min(1).max(CAMPAIGN_CHANNELS.length)])
    .optional()
    .meta({ description: '渠道组合：sms（带个人优惠链接的批量短信）、invitation（活动邀约，仅到店赠礼类活动，需 eventId）、wecom（企业微信通知客户负责人跟进）；默认 sms' }),
  eventId: z.string().trim().min(1).max(50).optional().meta({ description: '邀约渠道邀请参加的活动' }),
  budget: z.number().positive().max(100_000_000).multipleOf(0.01).optional().meta({ description: '预算（元）' }),
  startAt: isoDateTime.optional(),
});
const rejectBody = z.object({ reason: z.string().trim().min(1).max(500) });
const idParams = z.object({ id: campaignId });
const performanceQuery = z.object({ campaignId });

const created = z.object({
  id: z.string(),
  name: z.string(),
  segment: z.enum(CUSTOMER_SEGMENTS),
  type: z.enum(CAMPAIGN_TYPES),
  status: z.enum(CAMPAIGN_STATUSES),
  content: z.string(),
  offer: z.string(),
  contentSource: z.enum(['model', 'template']),
  fallbackReason: z.string().nullable(),
  audience: z.object({ members: z.number().int(), reachable: z.number().int(), unreachable: z.number().int(), holdout: z.number().int(), treated: z.number().int(), holdoutPercent: z.number().int() }),
  filter: z.object({ segments: z.array(z.enum(CUSTOMER_SEGMENTS)), tags: z.array(z.string()), lastVisitDays: z.number().int().nullable() }).meta({ description: '受众：分层，及可选的标签、最近到访' }),
  channelMix: z.array(z.object({ channel: z.enum(CAMPAIGN_CHANNELS), members: z.number().int().meta({ description: '预计覆盖的发送组人数（发送时再过合规）' }), share: z.number() })),
  eventId: z.string().nullable(),
  incentiveFen: z.number().int(),
  estimatedCostFen: z.number().int(),
  budgetFen: z.number().int().nullable(),
  expectedRoi: z.number().meta({ description: '预期 ROI（%）' }),
  roiBasis: z.enum(['history', 'prior']).meta({ description: 'history：该分层以往活动的实际 ROI；prior：该类型的先验值' }),
  startAt: instant.nullable(),
  attributionDays: z.number().int(),
  approvers: z.object({ sent: z.number().int(), failed: z.number().int() }),
  createdAt: instant,
});
const decided = z.object({ campaignId: z.string(), status: z.enum(['approved', 'rejected']) });
const performance = z.object({
  campaignId: z.string(),
  name: z.string(),
  segment: z.enum(CUSTOMER_SEGMENTS),
  status: z.enum(CAMPAIGN_STATUSES),
  startedAt: instant.nullable(),
  attributionEndsAt: instant.nullable(),
  audience: z.number().int(),
  sent: z.number().int(),
  delivered: z.number().int(),
  opened: z.number().int(),
  clicked: z.number().int(),
  converted: z.number().int(),
  revenueFen: z.number().int(),
  costFen: z.number().int(),
  roi: z.number().nullable().meta({ description: '(收入 − 成本) / 成本 × 100，不含对照组' }),
  responseRate: z.number().meta({ description: '打开数 / 发送数（%）' }),
  conversionRate: z.number().meta({ description: '转化数 / 发送数（%）' }),
  skipped: z.number().int().meta({ description: '发送组中没有任何渠道发出（合规拒绝、无号码……）的人数' }),
  channels: z.array(
    z.object({
      channel: z.enum(CAMPAIGN_CHANNELS),
      members: z.number().int(),
      queued: z.number().int(),
      sent: z.number().int().meta({ description: '已发出（含已送达）；wecom 为已交给负责人' }),
      delivered: z.number().int(),
      skipped: z.number().int(),
      failed: z.number().int(),
      skippedByReason: z.record(z.string(), z.number().int()).meta({ description: '跳过原因：NO_CONSENT、OPTED_OUT、BLACKLISTED、FREQUENCY_CAP、NO_CUSTOMER、NO_OWNER、INVITATION_EXISTS…' }),
      failedByReason: z.record(z.string(), z.number().int()),
    }),
  ),
  holdout: z.object({ members: z.number().int(), converted: z.number().int(), conversionRate: z.number(), revenueFen: z.number().int() }),
  uplift: z.number().meta({ description: '转化率提升（百分点）= 发送组转化率 − 对照组转化率' }),
});

/** Seed 001 §3.2: campaign generation, its approval by API (chat cards and commands decide the same way), and performance. */
export function campaignRoutes(deps: CampaignDeps & { approvals: ApprovalService }) {
  const decide = (action: 'approve' | 'reject') =>
    route({
      method: 'post',
      path: `/api/ai-ops/customer/campaigns/:id/${action}`,
      summary: action === 'approve' ? '批准营销活动（随后启动：随机对照组，再按渠道组合发送：批量短信、邀约、企业微信通知负责人）' : '驳回营销活动（需填写原因）',
      tags: ['customer'],
      permissions: ['customer:campaign:approve'],
      params: idParams,
      ...(action === 'reject' ? { body: rejectBody } : {}),
      responses: { 200: { description: '决定已记录', schema: decided } },
      errors: ['APPROVAL_NOT_FOUND', 'FORBIDDEN', 'APPROVAL_ALREADY_DECIDED', 'APPROVAL_NOT_PENDING', 'APPROVAL_SELF_FORBIDDEN', 'APPROVAL_REASON_REQUIRED'],
      handler: async (ctx, input) => {
        const reason = (input.body as z.output<typeof rejectBody> | undefined)?.reason;
        const done = await deps.approvals.decide(ctx.state.em, ctx.state.actor!, { kind: 'campaign', id: input.params.id, approve: action === 'approve', reason });
        return { campaignId: done.id, status: action === 'approve' ? 'approved' : 'rejected' };
      },
    });
  return routes(
    route({
      method: 'post',
      path: '/api/ai-ops/customer/campaign',
      summary: '按客户分层生成营销活动并提交审批：人群、渠道、内容、预计成本、预期 ROI',
      tags: ['customer'],
      permissions: ['customer:campaign:create'],
      body: createCampaignBody,
      responses: { 201: { description: '待审批的营销活动', schema: created } },
      errors: ['TEMPLATE_NOT_FOUND', 'TEMPLATE_PARAMS_MISMATCH', 'CAMPAIGN_TEMPLATE_INVALID', 'CAMPAIGN_OVER_BUDGET', 'CAMPAIGN_CHANNELS_INVALID'],
      handler: async (ctx, { body }) =>
        reply(
          201,
          await createCampaign(
            ctx.state.em,
            ctx.state.actor!,
            {
              segment: body.segment,
              tags: body.tags,
              lastVisitDays: body.lastVisitDays,
              type: body.type,
              channels: body.channel === undefined ? undefined : [body.channel].flat(),
              eventId: body.eventId,
              budgetFen: body.budget === undefined ? undefined : Math.round(body.budget * 100),
              startAt: body.startAt,
            },
            deps,
          ),
        ),
    }),
    decide('approve'),
    decide('reject'),
    route({
      method: 'get',
      path: '/api/ai-ops/customer/performance',
      summary: '营销活动效果：发送、送达、打开、点击、转化、收入、成本、ROI、响应率、转化率与对照组提升',
      tags: ['customer'],
      permissions: ['customer:campaign:create', 'customer:campaign:approve'],
      query: performanceQuery,
      responses: { 200: { description: '活动效果', schema: performance } },
      errors: ['CAMPAIGN_NOT_FOUND'],
      handler: (ctx, { query }) => campaignPerformance(ctx.state.em, query.campaignId),
    }),
  );
}
