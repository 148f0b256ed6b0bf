import { Router } from '@koa/router';
import { z } from 'zod';
import { listContactHistory } from '../../../domain/outreach/contact-history.query.js';
import { requirePermission } from '../../auth/authenticate.js';
import { pageOf, respond } from '../../http/envelope.js';
import type { AppState } from '../../http/request-context.js';
import { validate } from '../../http/validate.js';

const historyQuery = z
  .object({
    customerId: z.string().trim().min(1).max(64),
    page: z.coerce.number().int().min(1).default(1),
    size: z.coerce.number().int().min(1).max(100).optional(),
    /** The seed's name for the page size (§5.6). */
    limit: z.coerce.number().int().min(1).max(100).optional(),
    order: z.enum(['asc', 'desc']).default('desc'),
  })
  .transform(({ size, limit, ...rest }) => ({ ...rest, size: size ?? limit ?? 20 }));

/** GET /api/ai-ops/outreach/history?customerId=&limit= : contact history, newest first. */
export function historyRoutes(): Router<AppState> {
  const router = new Router<AppState>();
  router.get('/api/ai-ops/outreach/history', requirePermission('outreach:history:view'), async (ctx) => {
    const q = validate(historyQuery, ctx.query);
    const { rows, total } = await listContactHistory(ctx.state.em, q);
    respond(ctx, pageOf(rows, total, q.page, q.size));
  });
  return router;
}
