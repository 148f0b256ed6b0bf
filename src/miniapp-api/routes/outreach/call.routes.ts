import { z } from 'zod';
import type { OutreachDeps } from '../../../domain/outreach/outreach-deps.js';
import { placeOutreachCall } from '../../../domain/outreach/outreach-call.service.js';
import { CALL_LOG_STATUSES } from '../../../domain/outreach/call-log-status.js';
import { FOLLOW_UP_PURPOSE, FOLLOW_UP_REASONS } from '../../../domain/outreach/follow-up-schedule.policy.js';
import { dialableNumber } from '../../../domain/shared/phone.schema.js';
import { instant } from '../../http/response.schemas.js';
import { reply, route, routes } from '../../http/route.js';

export const outreachCallBody = z
  .object({
    phoneNumber: dialableNumber,
    scriptId: z.string().trim().max(50).optional(),
    scriptContent: z.string().trim().min(1).max(2000),
    customerId: z.string().trim().min(1).max(64).optional(),
    purpose: z.enum(['service', 'marketing']).optional().meta({ description: 'service：回访/投诉跟进（无需营销授权）；marketing：营销（需授权）。缺省按 reason，否则 marketing' }),
    reason: z.enum(FOLLOW_UP_REASONS).optional().meta({ description: '回访原因；决定缺省的 purpose' }),
  })
  .superRefine((b, ctx) => {
    if (b.purpose && b.reason && FOLLOW_UP_PURPOSE[b.reason] !== b.purpose) {
      ctx.addIssue({ code: 'custom', path: ['purpose'], message: `回访原因 ${b.reason} 对应的用途是 ${FOLLOW_UP_PURPOSE[b.reason]}` });
    }
  });
export const outreachCallAnswer = z.object({
  callId: z.string(),
  status: z.enum([...CALL_LOG_STATUSES, 'deferred']),
  deferredUntil: instant.optional(),
  error: z.string().optional(),
  dryRun: z.boolean().meta({ description: '演练模式（OUTREACH_DRY_RUN 或未配置运营商）：未真正发出' }),
});

/** POST /api/ai-ops/outreach/call (seed 000 §5.3): 200 placed or failed, 202 queued for the next window. */
export function callRoutes(deps: OutreachDeps) {
  return routes(
    route({
      method: 'post',
      path: '/api/ai-ops/outreach/call',
      summary: '外呼回访（先按用途过合规）',
      tags: ['outreach'],
      permissions: ['outreach:call'],
      body: outreachCallBody,
      responses: {
        200: { description: '已发起或失败（status、error）', schema: outreachCallAnswer },
        202: { description: '可呼叫时段外（营销：MARKETING_HOURS；服务：08:00–21:00）：已排队到下一个时段', schema: outreachCallAnswer },
      },
      errors: ['INVALID_PHONE_NUMBER', 'RECIPIENT_OPTED_OUT', 'RECIPIENT_BLACKLISTED', 'RECIPIENT_NO_CONSENT', 'FREQUENCY_CAP_EXCEEDED', 'CUSTOMER_NOT_FOUND'],
      handler: async (ctx, { body }) => {
        const { reason, purpose, ...call } = body;
        const result = await placeOutreachCall(ctx.state.em, deps, { ...call, purpose: purpose ?? (reason ? FOLLOW_UP_PURPOSE[reason] : 'marketing'), staffId: ctx.state.staff!.id });
        return reply(result.status === 'deferred' ? 202 : 200, result);
      },
    }),
  );
}
