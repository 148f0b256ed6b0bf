import { Router } from '@koa/router';
import { z } from 'zod';
import { FEEDBACK_TYPES } from '../../../domain/outreach/customer-feedback.entity.js';
import { recordFeedback, type FeedbackDeps } from '../../../domain/outreach/feedback.service.js';
import { requirePermission } from '../../auth/authenticate.js';
import { respond } from '../../http/envelope.js';
import type { AppState } from '../../http/request-context.js';
import { validate } from '../../http/validate.js';

const feedbackBody = z.object({
  customerId: z.string().trim().min(1).max(64),
  contactId: z.string().trim().min(1).max(50),
  type: z.enum(FEEDBACK_TYPES),
  rating: z.number().int().min(1).max(5).optional(),
  content: z.string().trim().min(1).max(2000),
});

/** POST /api/ai-ops/outreach/feedback (seed §5.4): sentiment, tags and the follow-up rules. */
export function feedbackRoutes(deps: FeedbackDeps): Router<AppState> {
  const router = new Router<AppState>();
  router.post('/api/ai-ops/outreach/feedback', requirePermission('outreach:feedback:write'), async (ctx) => {
    const body = validate(feedbackBody, ctx.request.body);
    const recorded = await recordFeedback(ctx.state.em, deps, body, { staffId: ctx.state.staff!.id, channel: 'api', requestId: ctx.state.requestId });
    respond(ctx, recorded, 201);
  });
  return router;
}
