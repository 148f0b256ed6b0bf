import { z } from 'zod';
import { createEvent, deleteEvent, getEvent, listEvents, updateEvent } from '../../../domain/events/event.service.js';
import { isoDateTime } from '../../../domain/shared/date-time.schema.js';
import { pagingQuery } from '../../http/paging.js';
import { instant } from '../../http/response.schemas.js';
import { reply, route, routes } from '../../http/route.js';
import { listRoute } from '../../http/list-route.js';

const tags = ['events'];
const eventId = z.string().trim().regex(/^[A-Za-z0-9_.-]{1,50}$/, '活动编号只能含字母、数字、_ . -，最长 50 位');
const params = z.object({ id: eventId });
const fields = z.object({
  name: z.string().trim().min(1).max(200),
  eventDate: isoDateTime.meta({ description: '活动开始时间（带时区）' }),
  venue: z.string().trim().max(200).nullable().optional(),
  description: z.string().trim().max(5000).nullable().optional(),
});
const createBody = fields.extend({ id: eventId.optional().meta({ description: '活动编号（如 EVENT_001）；不给时生成' }) });
const listQuery = pagingQuery(['eventDate', 'id', 'createdAt'], 'eventDate').extend({
  from: isoDateTime.optional().meta({ description: '活动时间不早于' }),
  to: isoDateTime.optional().meta({ description: '活动时间早于' }),
  q: z.string().trim().min(1).max(64).optional().meta({ description: '活动名称片段' }),
});
const eventItem = z.object({
  id: z.string(),
  name: z.string(),
  eventDate: instant,
  venue: z.string().nullable(),
  description: z.string().nullable(),
  createdAt: instant,
  updatedAt: instant,
});

/** Events customers are invited to: create, read, update, delete (unless invited to), list. */
export function eventRoutes() {
  return routes(
    route({
      method: 'post',
      path: '/api/events',
      summary: '新建活动',
      tags,
      permissions: ['event:edit'],
      body: createBody,
      responses: { 201: { description: '新建的活动', schema: eventItem } },
      errors: ['EVENT_ID_TAKEN'],
      handler: async (ctx, { body }) => reply(201, await createEvent(ctx.state.em, ctx.state.actor!, body)),
    }),
    listRoute({
      path: '/api/events',
      summary: '活动列表（按时间、名称筛选）',
      tags,
      permissions: ['customer:view'],
      query: listQuery,
      page: { description: '一页活动', item: eventItem },
      errors: [],
      list: (ctx, { query }) => listEvents(ctx.state.em, ctx.state.actor!, query),
    }),
    route({
      method: 'get',
      path: '/api/events/:id',
      summary: '一个活动',
      tags,
      permissions: ['customer:view'],
      params,
      responses: { 200: { description: '活动', schema: eventItem } },
      errors: ['EVENT_NOT_FOUND'],
      handler: (ctx, { params: p }) => getEvent(ctx.state.em, ctx.state.actor!, p.id),
    }),
    route({
      method: 'patch',
      path: '/api/events/:id',
      summary: '修改活动（只改给出的字段）',
      tags,
      permissions: ['event:edit'],
      params,
      body: fields.partial(),
      responses: { 200: { description: '修改后的活动', schema: eventItem } },
      errors: ['EVENT_NOT_FOUND'],
      handler: (ctx, { params: p, body }) => updateEvent(ctx.state.em, ctx.state.actor!, p.id, body),
    }),
    route({
      method: 'delete',
      path: '/api/events/:id',
      summary: '删除活动（已有邀约的活动不能删除）',
      tags,
      permissions: ['event:edit'],
      params,
      responses: { 200: { description: '已删除', schema: z.object({ id: z.string(), deleted: z.literal(true) }) } },
      errors: ['EVENT_NOT_FOUND', 'EVENT_IN_USE'],
      handler: (ctx, { params: p }) => deleteEvent(ctx.state.em, ctx.state.actor!, p.id),
    }),
  );
}
