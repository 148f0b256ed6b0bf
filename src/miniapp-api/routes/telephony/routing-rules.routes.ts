import { z } from 'zod';
import { ROUTING_RULE_KINDS } from '../../../domain/routing/routing-rule.entity.js';
import {
  createDutySchedule,
  createRoutingRule,
  deleteRoutingRule,
  listDutySchedules,
  listHolidays,
  listRoutingRules,
  updateRoutingRule,
  upsertHoliday,
} from '../../../domain/routing/routing-rules.service.js';
import { WEEKDAYS } from '../../../domain/staff/staff.entity.js';
import { isoDate } from '../../../domain/shared/date-time.schema.js';
import type { AppState } from '../../http/request-context.js';
import { idParams, instant } from '../../http/response.schemas.js';
import { reply, route, routes } from '../../http/route.js';

const hhmm = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, '时间格式应为 HH:mm（00:00-23:59）');
export const createRuleBody = z.object({
  kind: z.enum(ROUTING_RULE_KINDS),
  name: z.string().trim().min(1).max(64),
  body: z.record(z.string(), z.unknown()).meta({ description: '规则内容，结构随 kind 而定（见 README 的 Telephony 一节）' }),
  priority: z.number().int().min(-1000).max(1000).optional(),
  active: z.boolean().optional(),
});
export const patchRuleBody = createRuleBody.omit({ kind: true }).partial();
export const holidayBody = z.object({ date: isoDate, name: z.string().trim().min(1).max(64), workday: z.boolean().optional() });
export const dutyBody = z.object({
  staffId: z.number().int().positive().max(2_147_483_647),
  days: z.array(z.enum([...WEEKDAYS, 'holiday'])).min(1).max(8),
  startTime: hhmm,
  endTime: hhmm,
  priority: z.number().int().min(-1000).max(1000).optional(),
});
const listQuery = z.object({ kind: z.enum(ROUTING_RULE_KINDS).optional() });

const rule = z.object({ id: z.number().int(), kind: z.enum(ROUTING_RULE_KINDS), name: z.string(), body: z.record(z.string(), z.unknown()), priority: z.number().int(), active: z.boolean(), updatedAt: instant });
const holiday = z.object({ id: z.number().int(), date: z.string(), name: z.string(), workday: z.boolean() });
const duty = z.object({ id: z.number().int(), staffId: z.number().int(), days: z.array(z.string()), startTime: z.string(), endTime: z.string(), priority: z.number().int(), active: z.boolean() });

const tags = ['telephony'];
const manage = ['telephony:rules:manage'] as const;
const view = ['telephony:rules:manage', 'telephony:calls:view'] as const;
const actor = (ctx: { state: AppState }) => ctx.state.actor!;

/** Routing configuration (seed 003's dictionaries as data): rules, holidays and the duty roster. */
export function routingRulesRoutes() {
  return routes(
    route({
      method: 'get',
      path: '/api/telephony/routing-rules',
      summary: '来电路由规则',
      tags,
      permissions: view,
      query: listQuery,
      responses: { 200: { description: '规则列表', schema: z.array(rule) } },
      errors: [],
      handler: (ctx, { query }) => listRoutingRules(ctx.state.em, query.kind),
    }),
    route({
      method: 'post',
      path: '/api/telephony/routing-rules',
      summary: '新增路由规则（内容按 kind 校验）',
      tags,
      permissions: manage,
      body: createRuleBody,
      responses: { 201: { description: '新增的规则', schema: rule } },
      errors: ['INVALID_ROUTING_RULE'],
      handler: async (ctx, { body }) => reply(201, await createRoutingRule(ctx.state.em, body, actor(ctx))),
    }),
    route({
      method: 'patch',
      path: '/api/telephony/routing-rules/:id',
      summary: '修改路由规则',
      tags,
      permissions: manage,
      params: idParams,
      body: patchRuleBody,
      responses: { 200: { description: '修改后的规则', schema: rule } },
      errors: ['ROUTING_RULE_NOT_FOUND', 'INVALID_ROUTING_RULE'],
      handler: (ctx, { params, body }) => updateRoutingRule(ctx.state.em, params.id, body, actor(ctx)),
    }),
    route({
      method: 'delete',
      path: '/api/telephony/routing-rules/:id',
      summary: '删除路由规则',
      tags,
      permissions: manage,
      params: idParams,
      responses: { 200: { description: '已删除（data 为 null）' } },
      errors: ['ROUTING_RULE_NOT_FOUND'],
      handler: async (ctx, { params }) => {
        await deleteRoutingRule(ctx.state.em, params.id, actor(ctx));
        return null;
      },
    }),
    route({
      method: 'get',
      path: '/api/telephony/holidays',
      summary: '节假日与调休工作日',
      tags,
      permissions: view,
      responses: { 200: { description: '按日期排序', schema: z.array(holiday) } },
      errors: [],
      handler: (ctx) => listHolidays(ctx.state.em),
    }),
    route({
      method: 'put',
      path: '/api/telephony/holidays',
      summary: '设置某天为节假日或调休工作日（每天一条）',
      tags,
      permissions: manage,
      body: holidayBody,
      responses: { 200: { description: '保存后的节假日', schema: holiday } },
      errors: [],
      handler: (ctx, { body }) => upsertHoliday(ctx.state.em, body, actor(ctx)),
    }),
    route({
      method: 'get',
      path: '/api/telephony/duty-schedules',
      summary: '值班排班',
      tags,
      permissions: view,
      responses: { 200: { description: '排班列表', schema: z.array(duty) } },
      errors: [],
      handler: (ctx) => listDutySchedules(ctx.state.em),
    }),
    route({
      method: 'post',
      path: '/api/telephony/duty-schedules',
      summary: '新增值班时段',
      tags,
      permissions: manage,
      body: dutyBody,
      responses: { 201: { description: '新增的时段', schema: duty } },
      errors: ['STAFF_NOT_FOUND'],
      handler: async (ctx, { body }) => reply(201, await createDutySchedule(ctx.state.em, body, actor(ctx))),
    }),
  );
}
