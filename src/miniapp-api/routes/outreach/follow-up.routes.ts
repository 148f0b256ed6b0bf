import { Router } from '@koa/router';
import type { MarketingWindow } from '../../../domain/compliance/compliance.policy.js';
import { z } from 'zod';
import type { Clock } from '../../../domain/ports/clock.port.js';
import type { LanguageModel } from '../../../domain/ports/language-model.port.js';
import { FOLLOW_UP_REASONS } from '../../../domain/outreach/follow-up-schedule.policy.js';
import { generateFollowUpScript } from '../../../domain/outreach/follow-up-script.service.js';
import { PENDING_REASONS, listPendingFollowUps } from '../../../domain/outreach/pending-follow-ups.query.js';
import { CUSTOMER_SEGMENTS } from '../../../domain/shared/vocabulary.js';
import { requirePermission } from '../../auth/authenticate.js';
import { pageOf, respond } from '../../http/envelope.js';
import type { AppState } from '../../http/request-context.js';
import { validate } from '../../http/validate.js';

export type FollowUpRouteDeps = { model: LanguageModel | undefined; clock: Clock; timeZone: string; window?: MarketingWindow };

const segment = z.preprocess((v) => (typeof v === 'string' && v.toUpperCase() === 'VIP' ? 'VIP' : v), z.enum(CUSTOMER_SEGMENTS));
const scriptBody = z.object({
  customerId: z.string().trim().min(1).max(64),
  reason: z.enum(FOLLOW_UP_REASONS),
  lastVisitDays: z.number().int().min(0).max(36_500).optional(),
  /** Yuan, as in the seed; kept in fen from here on. */
  lastOrderAmount: z.number().min(0).max(100_000_000).optional(),
  customerSegment: segment.optional(),
});
const pendingQuery = z.object({
  page: z.coerce.number().int().min(1).default(1),
  size: z.coerce.number().int().min(1).max(100).default(20),
  reason: z.enum(PENDING_REASONS).optional(),
  ownerStaffId: z.coerce.number().int().positive().optional(),
});

/** POST /api/ai-ops/outreach/follow-up (seed §5.1) and GET /api/ai-ops/outreach/follow-ups/pending. */
export function followUpRoutes(deps: FollowUpRouteDeps): Router<AppState> {
  const router = new Router<AppState>();
  router.post('/api/ai-ops/outreach/follow-up', requirePermission('outreach:script:generate'), async (ctx) => {
    const { lastOrderAmount, ...body } = validate(scriptBody, ctx.request.body);
    const script = await generateFollowUpScript(ctx.state.em, deps, {
      ...body,
      ...(lastOrderAmount === undefined ? {} : { lastOrderAmountFen: Math.round(lastOrderAmount * 100) }),
    });
    ctx.state.log.info({ customerId: script.customerId, reason: script.reason, source: script.source, fallbackReason: script.fallbackReason }, 'follow-up script');
    respond(ctx, script);
  });
  router.get('/api/ai-ops/outreach/follow-ups/pending', requirePermission('outreach:script:generate'), async (ctx) => {
    const q = validate(pendingQuery, ctx.query);
    const { rows, total } = await listPendingFollowUps(ctx.state.em, { ...q, now: deps.clock.now(), timeZone: deps.timeZone, window: deps.window });
    respond(ctx, pageOf(rows, total, q.page, q.size));
  });
  return router;
}
