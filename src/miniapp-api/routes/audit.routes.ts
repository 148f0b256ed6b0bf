import { Router } from '@koa/router';
import { z } from 'zod';
import { listAudit } from '../../domain/audit/audit-query.js';
import { requirePermission } from '../auth/authenticate.js';
import { pageOf, respond } from '../http/envelope.js';
import { pagingQuery } from '../http/paging.js';
import type { AppState } from '../http/request-context.js';
import { validate } from '../http/validate.js';

const query = pagingQuery(['createdAt'], 'createdAt').extend({
  action: z.string().max(64).optional(),
  targetType: z.string().max(64).optional(),
});

/** GET /api/audit-log: who did what, newest first. */
export function auditRoutes(): Router<AppState> {
  const router = new Router<AppState>();
  router.get('/api/audit-log', requirePermission('audit:view'), async (ctx) => {
    const q = validate(query, ctx.query);
    const { rows, total } = await listAudit(ctx.state.em, q);
    respond(ctx, pageOf(rows, total, q.page, q.size));
  });
  return router;
}
