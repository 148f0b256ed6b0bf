import { Router } from '@koa/router';
import { z } from 'zod';
import type { OutreachDeps } from '../../../domain/outreach/outreach-deps.js';
import { placeOutreachCall } from '../../../domain/outreach/outreach-call.service.js';
import { requirePermission } from '../../auth/authenticate.js';
import { respond } from '../../http/envelope.js';
import type { AppState } from '../../http/request-context.js';
import { validate } from '../../http/validate.js';

const body = z.object({
  phoneNumber: z.string().trim().min(1).max(40),
  scriptId: z.string().trim().max(50).optional(),
  scriptContent: z.string().trim().min(1).max(2000),
  customerId: z.string().trim().min(1).max(64).optional(),
});

/** POST /api/ai-ops/outreach/call (seed 000 §5.3): 200 placed or failed, 202 queued for the next window. */
export function callRoutes(deps: OutreachDeps): Router<AppState> {
  const router = new Router<AppState>();
  router.post('/api/ai-ops/outreach/call', requirePermission('outreach:call'), async (ctx) => {
    const input = validate(body, ctx.request.body);
    const result = await placeOutreachCall(ctx.state.em, deps, { ...input, staffId: ctx.state.staff!.id });
    respond(ctx, result, result.status === 'deferred' ? 202 : 200);
  });
  return router;
}
