import { z } from 'zod';
import { createStaff } from '../../domain/staff/staff.service.js';
import { listStaff } from '../../domain/staff/staff-query.js';
import { staffListItem } from '../../domain/staff/staff.view.js';
import { STAFF_ROLES } from '../../domain/staff/staff.entity.js';
import { mobileNumber } from '../../domain/shared/phone.schema.js';
import { pageOf } from '../http/envelope.js';
import { pagingQuery } from '../http/paging.js';
import { instant, pageOf as pageSchema } from '../http/response.schemas.js';
import { reply, route, routes } from '../http/route.js';

export const createStaffBody = z.object({
  name: z.string().trim().min(1).max(64),
  role: z.enum(STAFF_ROLES),
  mobile: mobileNumber.optional(),
  wecomUserId: z.string().trim().min(1).max(64).optional(),
  officeExt: z.string().trim().regex(/^\d{2,8}$/, '分机号应为 2-8 位数字').optional(),
});
export const staffListQuery = pagingQuery(['id', 'name', 'createdAt'], 'id').extend({ role: z.enum(STAFF_ROLES).optional() });
export const staffItem = z.object({
  id: z.number().int(),
  name: z.string(),
  role: z.enum(STAFF_ROLES),
  mobile: z.string().nullable().meta({ description: '手机号（打码，138****8888）' }),
  officeExt: z.string().nullable(),
  wecomUserId: z.string().nullable(),
  active: z.boolean(),
  createdAt: instant,
});

/** Staff administration: POST /api/staff, GET /api/staff (mobiles masked). */
export function staffRoutes() {
  return routes(
    route({
      method: 'post',
      path: '/api/staff',
      summary: '新建员工',
      tags: ['staff'],
      permissions: ['staff:manage'],
      body: createStaffBody,
      responses: { 201: { description: '新建的员工（手机号打码）', schema: staffItem } },
      errors: ['STAFF_WECOM_USER_EXISTS'],
      handler: async (ctx, { body }) => {
        const staff = await createStaff(ctx.state.em, body, { actorStaffId: ctx.state.actor!.staffId, channel: 'api', requestId: ctx.state.requestId });
        return reply(201, staffListItem(staff));
      },
    }),
    route({
      method: 'get',
      path: '/api/staff',
      summary: '员工列表（手机号打码）',
      tags: ['staff'],
      permissions: ['staff:manage', 'sales:status:view'],
      query: staffListQuery,
      responses: { 200: { description: '一页员工', schema: pageSchema(staffItem) } },
      errors: [],
      handler: async (ctx, { query }) => {
        const { rows, total } = await listStaff(ctx.state.em, query);
        return pageOf(rows, total, query.page, query.size);
      },
    }),
  );
}
