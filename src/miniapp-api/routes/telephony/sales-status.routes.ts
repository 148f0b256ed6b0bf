import { Router } from '@koa/router';
import { z } from 'zod';
import { SALES_STATUS_LABELS, setSalesStatus, teamStatus } from '../../../domain/sales-status/sales-status.service.js';
import { SALES_STATUSES } from '../../../domain/sales-status/staff-status.entity.js';
import { requirePermission } from '../../auth/authenticate.js';
import { respond } from '../../http/envelope.js';
import type { AppState } from '../../http/request-context.js';
import { validate } from '../../http/validate.js';

const body = z.object({ status: z.enum(SALES_STATUSES), location: z.string().trim().max(128).optional() });

/** POST /api/sales/status (own status, for smart routing) and GET /api/sales/status (the team). */
export function salesStatusRoutes(): Router<AppState> {
  const router = new Router<AppState>();
  router.post('/api/sales/status', requirePermission('sales:status:set'), async (ctx) => {
    const input = validate(body, ctx.request.body);
    const result = await setSalesStatus(ctx.state.em, { staffId: ctx.state.actor!.staffId, status: input.status, location: input.location, channel: 'api', requestId: ctx.state.requestId });
    respond(ctx, { ...result, label: SALES_STATUS_LABELS[input.status] });
  });
  router.get('/api/sales/status', requirePermission('sales:status:view'), async (ctx) => {
    const team = await teamStatus(ctx.state.em);
    respond(ctx, team.map((s) => ({ ...s, label: s.status === 'unknown' ? '未知' : SALES_STATUS_LABELS[s.status] })));
  });
  return router;
}
