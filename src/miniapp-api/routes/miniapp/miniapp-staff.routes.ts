import { Router } from '@koa/router';
import { z } from 'zod';
import { setSalesStatus } from '../../../domain/sales-status/sales-status.service.js';
import { SALES_STATUSES } from '../../../domain/sales-status/staff-status.entity.js';
import { requirePermission } from '../../auth/authenticate.js';
import { respond } from '../../http/envelope.js';
import type { AppState } from '../../http/request-context.js';
import { validate } from '../../http/validate.js';

const statusBody = z.object({ status: z.enum(SALES_STATUSES), location: z.string().trim().max(128).optional() });

/** Staff actions from the mini-program (staff token): PUT /api/miniapp/staff/status. */
export function miniappStaffRoutes(): Router<AppState> {
  const router = new Router<AppState>();
  router.put('/api/miniapp/staff/status', requirePermission('sales:status:set'), async (ctx) => {
    const body = validate(statusBody, ctx.request.body);
    respond(ctx, await setSalesStatus(ctx.state.em, { staffId: ctx.state.actor!.staffId, status: body.status, location: body.location, channel: 'miniapp', requestId: ctx.state.requestId }));
  });
  return router;
}
