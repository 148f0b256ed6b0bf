import { Router } from '@koa/router';
import { z } from 'zod';
import { createStaff } from '../../domain/staff/staff.service.js';
import { listStaff } from '../../domain/staff/staff-query.js';
import { staffListItem } from '../../domain/staff/staff.view.js';
import { STAFF_ROLES } from '../../domain/staff/staff.entity.js';
import { requirePermission } from '../auth/authenticate.js';
import { pageOf, respond } from '../http/envelope.js';
import { pagingQuery } from '../http/paging.js';
import type { AppState } from '../http/request-context.js';
import { validate } from '../http/validate.js';

const createBody = z.object({
  name: z.string().trim().min(1).max(64),
  role: z.enum(STAFF_ROLES),
  mobile: z.string().optional(),
  wecomUserId: z.string().trim().min(1).max(64).optional(),
  officeExt: z.string().optional(),
});
const listQuery = pagingQuery(['id', 'name', 'createdAt'], 'id').extend({ role: z.enum(STAFF_ROLES).optional() });

/** Staff administration: POST /api/staff, GET /api/staff (mobiles masked). */
export function staffRoutes(): Router<AppState> {
  const router = new Router<AppState>();
  router.post('/api/staff', requirePermission('staff:manage'), async (ctx) => {
    const body = validate(createBody, ctx.request.body);
    const staff = await createStaff(ctx.state.em, body, {
      actorStaffId: ctx.state.actor!.staffId,
      channel: 'api',
      requestId: ctx.state.requestId,
    });
    respond(ctx, staffListItem(staff), 201);
  });
  router.get('/api/staff', requirePermission('staff:manage', 'sales:status:view'), async (ctx) => {
    const q = validate(listQuery, ctx.query);
    const { rows, total } = await listStaff(ctx.state.em, q);
    respond(ctx, pageOf(rows, total, q.page, q.size));
  });
  return router;
}
