import { z } from 'zod';
import type { MarketingWindow } from '../../../domain/compliance/compliance.policy.js';
import type { Clock } from '../../../domain/ports/clock.port.js';
import type { LanguageModel } from '../../../domain/ports/language-model.port.js';
import { FOLLOW_UP_REASONS } from '../../../domain/outreach/follow-up-schedule.policy.js';
import { generateFollowUpScript } from '../../../domain/outreach/follow-up-script.service.js';
import { PENDING_REASONS, listPendingFollowUps } from '../../../domain/outreach/pending-follow-ups.query.js';
import { CUSTOMER_SEGMENTS } from '../../../domain/shared/vocabulary.js';
import { route, routes } from '../../http/route.js';
import { listRoute } from '../../http/list-route.js';

export type FollowUpRouteDeps = { model: LanguageModel | undefined; clock: Clock; timeZone: string; window?: MarketingWindow };

const segment = z.preprocess((v) => (typeof v === 'string' && v.toUpperCase() === 'VIP' ? 'VIP' : v), z.enum(CUSTOMER_SEGMENTS));
export const scriptBody = z.object({
  customerId: z.string().trim().min(1).max(64),
  reason: z.enum(FOLLOW_UP_REASONS),
  lastVisitDays: z.number().int().min(0).max(36_500).optional(),
  lastOrderAmount: z.number().min(0).max(100_000_000).optional().meta({ description: '元（内部按分保存）' }),
  customerSegment: segment.optional(),
});
export const pendingQuery = z.object({
  page: z.coerce.number().int().min(1).default(1),
  size: z.coerce.number().int().min(1).max(100).default(20),
  reason: z.enum(PENDING_REASONS).optional(),
  ownerStaffId: z.coerce.number().int().positive().max(2_147_483_647).optional(),
});
const channel = z.enum(['call', 'wechat', 'sms']);
const iso = z.iso.datetime();
export const followUpScript = z.object({
  customerId: z.string(),
  customerName: z.string(),
  reason: z.enum(FOLLOW_UP_REASONS),
  script: z.string(),
  length: z.number().int(),
  source: z.enum(['model', 'template']),
  fallbackReason: z.enum(['NOT_CONFIGURED', 'TIMEOUT', 'UNAVAILABLE', 'BAD_RESPONSE', 'TOO_LONG']).nullable(),
  model: z.string().nullable(),
  recommendedChannel: channel,
  channelOrder: z.array(channel),
  recommendedAt: iso,
  dueBy: iso.nullable(),
  timingRule: z.string(),
  timeZone: z.string(),
});
export const pendingFollowUp = z.object({
  customerId: z.string(),
  name: z.string(),
  phone: z.string().nullable().meta({ description: '打码的号码' }),
  segment: z.string().nullable(),
  ownerStaffId: z.number().int().nullable(),
  reason: z.enum(PENDING_REASONS),
  lastVisitAt: iso.nullable(),
  lastContactAt: iso.nullable(),
  birthday: z.string().nullable(),
  recommendedChannel: z.string(),
  recommendedAt: iso,
  dueBy: iso.nullable(),
});

/** POST /api/ai-ops/outreach/follow-up (seed §5.1) and GET /api/ai-ops/outreach/follow-ups/pending. */
export function followUpRoutes(deps: FollowUpRouteDeps) {
  return routes(
    route({
      method: 'post',
      path: '/api/ai-ops/outreach/follow-up',
      summary: '生成回访话术、推荐渠道与时间',
      tags: ['outreach'],
      permissions: ['outreach:script:generate'],
      body: scriptBody,
      responses: { 200: { description: '话术（模型或模板）与推荐', schema: followUpScript } },
      errors: ['CUSTOMER_NOT_FOUND'],
      handler: async (ctx, { body }) => {
        const { lastOrderAmount, ...rest } = body;
        const script = await generateFollowUpScript(ctx.state.em, deps, {
          ...rest,
          ...(lastOrderAmount === undefined ? {} : { lastOrderAmountFen: Math.round(lastOrderAmount * 100) }),
        });
        ctx.state.log.info({ customerId: script.customerId, reason: script.reason, source: script.source, fallbackReason: script.fallbackReason }, 'follow-up script');
        return script;
      },
    }),
    listRoute({
      path: '/api/ai-ops/outreach/follow-ups/pending',
      summary: '现在该回访谁（最紧急在前）',
      tags: ['outreach'],
      permissions: ['outreach:script:generate'],
      query: pendingQuery,
      page: { description: '一页待回访客户（号码打码）', item: pendingFollowUp },
      errors: [],
      list: (ctx, { query }) => listPendingFollowUps(ctx.state.em, { ...query, now: deps.clock.now(), timeZone: deps.timeZone, window: deps.window }),
    }),
  );
}
