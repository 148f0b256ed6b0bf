import { z } from 'zod';
import { SALES_STATUS_LABELS, setSalesStatus, teamStatus } from '../../../domain/sales-status/sales-status.service.js';
import { STAFF_ROLES } from '../../../domain/staff/staff.entity.js';
import { effectiveStatus, salesStatusBody } from '../sales-status.schemas.js';
import { route, routes } from '../../http/route.js';

const myStatus = effectiveStatus.extend({ label: z.string() });
const teamMember = effectiveStatus.extend({ staffId: z.number().int(), name: z.string(), role: z.enum(STAFF_ROLES), label: z.string() });

/** POST /api/sales/status (own status, for smart routing) and GET /api/sales/status (the team). */
export function salesStatusRoutes() {
  return routes(
    route({
      method: 'post',
      path: '/api/sales/status',
      summary: '设置自己的状态（智能路由依据）',
      tags: ['telephony'],
      permissions: ['sales:status:set'],
      body: salesStatusBody,
      responses: { 200: { description: '生效的状态', schema: myStatus } },
      errors: ['STAFF_NOT_FOUND'],
      handler: async (ctx, { body }) => {
        const result = await setSalesStatus(ctx.state.em, { staffId: ctx.state.actor!.staffId, status: body.status, location: body.location, channel: 'api', requestId: ctx.state.requestId });
        return { ...result, label: SALES_STATUS_LABELS[body.status] };
      },
    }),
    route({
      method: 'get',
      path: '/api/sales/status',
      summary: '团队状态',
      tags: ['telephony'],
      permissions: ['sales:status:view'],
      responses: { 200: { description: '每位在职员工的状态', schema: z.array(teamMember) } },
      errors: [],
      handler: async (ctx) => {
        const team = await teamStatus(ctx.state.em);
        return team.map((s) => ({ ...s, label: s.status === 'unknown' ? '未知' : SALES_STATUS_LABELS[s.status] }));
      },
    }),
  );
}
