import { setSalesStatus } from '../../../domain/sales-status/sales-status.service.js';
import { route, routes } from '../../http/route.js';
import { effectiveStatus, salesStatusBody } from '../sales-status.schemas.js';

/** Staff actions from the mini-program (staff token): PUT /api/miniapp/staff/status. */
export function miniappStaffRoutes() {
  return routes(
    route({
      method: 'put',
      path: '/api/miniapp/staff/status',
      summary: '小程序里设置自己的状态',
      tags: ['miniapp'],
      permissions: ['sales:status:set'],
      body: salesStatusBody,
      responses: { 200: { description: '生效的状态', schema: effectiveStatus } },
      errors: ['STAFF_NOT_FOUND'],
      handler: (ctx, { body }) => setSalesStatus(ctx.state.em, { staffId: ctx.state.actor!.staffId, status: body.status, location: body.location, channel: 'miniapp', requestId: ctx.state.requestId }),
    }),
  );
}
