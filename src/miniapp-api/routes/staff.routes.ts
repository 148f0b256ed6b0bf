import { z } from 'zod';
import { createStaff } from '../../domain/staff/staff.service.js';
import { listStaff } from '../../domain/staff/staff-query.js';
import { staffListItem } from '../../domain/staff/staff.view.js';
import { getStaff, setStaffActive, updateStaff } from '../../domain/staff/staff-admin.service.js';
import { STAFF_ROLES, WEEKDAYS } from '../../domain/staff/staff.entity.js';
import { mobileNumber } from '../../domain/shared/phone.schema.js';
import { pagingQuery } from '../http/paging.js';
import { idParams, instant } from '../http/response.schemas.js';
import { reply, route, routes } from '../http/route.js';
import { listRoute } from '../http/list-route.js';

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

const clock = z.string().trim().regex(/^(([01]\d|2[0-3]):[0-5]\d|24:00)$/, '时间格式为 HH:MM（00:00–24:00）');
export const updateStaffBody = z.object({
  name: z.string().trim().min(1).max(64).optional(),
  role: z.enum(STAFF_ROLES).optional(),
  mobile: mobileNumber.nullable().optional(),
  officeExt: z.string().trim().regex(/^\d{2,8}$/, '分机号应为 2-8 位数字').nullable().optional(),
  wecomUserId: z.string().trim().min(1).max(64).nullable().optional(),
  dutyDays: z.array(z.enum(WEEKDAYS)).max(7).optional().meta({ description: '值班日：mon…sun' }),
  dutyStart: clock.nullable().optional().meta({ description: '值班开始（北京时间 HH:MM）' }),
  dutyEnd: clock.nullable().optional().meta({ description: '值班结束（可跨午夜，如 22:00–09:00）' }),
  maxDailyCalls: z.number().int().min(0).max(1000).optional().meta({ description: '每日最多接听来电数' }),
  forwardingType: z.enum(['sequential', 'simultaneous']).optional(),
  officeTimeoutSec: z.number().int().min(5).max(120).optional(),
  mobileTimeoutSec: z.number().int().min(5).max(120).optional(),
});
export const staffDetailItem = staffItem.extend({
  dutyDays: z.array(z.enum(WEEKDAYS)),
  dutyStart: z.string().nullable(),
  dutyEnd: z.string().nullable(),
  maxDailyCalls: z.number().int(),
  forwardingType: z.enum(['sequential', 'simultaneous']),
  officeTimeoutSec: z.number().int(),
  mobileTimeoutSec: z.number().int(),
  updatedAt: instant,
});
const activeBody = z.object({ reason: z.string().trim().max(255).optional() }).optional();

/** Staff administration: create, list (mobiles masked), read, update, deactivate and reactivate. */
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
      errors: ['STAFF_WECOM_USER_EXISTS', 'STAFF_MOBILE_TAKEN'],
      handler: async (ctx, { body }) => {
        const staff = await createStaff(ctx.state.em, body, { actorStaffId: ctx.state.actor!.staffId, channel: 'api', requestId: ctx.state.requestId });
        return reply(201, staffListItem(staff));
      },
    }),
    listRoute({
      path: '/api/staff',
      summary: '员工列表（手机号打码）',
      tags: ['staff'],
      permissions: ['staff:manage', 'sales:status:view'],
      query: staffListQuery,
      page: { description: '一页员工', item: staffItem },
      errors: [],
      list: (ctx, { query }) => listStaff(ctx.state.em, query),
    }),
    route({
      method: 'get',
      path: '/api/staff/:id',
      summary: '一位员工（含值班日、值班时间、每日接听上限；手机号打码）',
      tags: ['staff'],
      permissions: ['staff:manage'],
      params: idParams,
      responses: { 200: { description: '员工', schema: staffDetailItem } },
      errors: ['STAFF_NOT_FOUND'],
      handler: (ctx, { params }) => getStaff(ctx.state.em, ctx.state.actor!, params.id),
    }),
    route({
      method: 'patch',
      path: '/api/staff/:id',
      summary: '修改员工：角色、手机号、分机、值班日与时间、每日接听上限、企业微信账号（只改给出的字段）',
      tags: ['staff'],
      permissions: ['staff:manage'],
      params: idParams,
      body: updateStaffBody,
      responses: { 200: { description: '修改后的员工', schema: staffDetailItem } },
      errors: ['STAFF_NOT_FOUND', 'STAFF_MOBILE_TAKEN', 'STAFF_WECOM_USER_EXISTS'],
      handler: (ctx, { params, body }) => updateStaff(ctx.state.em, ctx.state.actor!, params.id, body),
    }),
    route({
      method: 'post',
      path: '/api/staff/:id/deactivate',
      summary: '停用员工：其令牌立即失效，来电路由与值班不再转给他',
      tags: ['staff'],
      permissions: ['staff:manage'],
      params: idParams,
      body: activeBody,
      responses: { 200: { description: '停用后的员工', schema: staffDetailItem } },
      errors: ['STAFF_NOT_FOUND', 'STAFF_SELF_DEACTIVATION'],
      handler: (ctx, { params, body }) => setStaffActive(ctx.state.em, ctx.state.actor!, params.id, false, body?.reason),
    }),
    route({
      method: 'post',
      path: '/api/staff/:id/activate',
      summary: '重新启用员工（手机号不能已属于其他在职员工）',
      tags: ['staff'],
      permissions: ['staff:manage'],
      params: idParams,
      body: activeBody,
      responses: { 200: { description: '启用后的员工', schema: staffDetailItem } },
      errors: ['STAFF_NOT_FOUND', 'STAFF_MOBILE_TAKEN'],
      handler: (ctx, { params, body }) => setStaffActive(ctx.state.em, ctx.state.actor!, params.id, true, body?.reason),
    }),
  );
}
