import { z } from 'zod';
import { MEMBER_STATUSES } from '../../../domain/members/member.entity.js';
import { createMember, getMember, listMembers, updateMember } from '../../../domain/members/member.service.js';
import { isoDateTime } from '../../../domain/shared/date-time.schema.js';
import { dialableNumber } from '../../../domain/shared/phone.schema.js';
import { CUSTOMER_SEGMENTS } from '../../../domain/shared/vocabulary.js';
import { pagingQuery } from '../../http/paging.js';
import { instant } from '../../http/response.schemas.js';
import { reply, route, routes } from '../../http/route.js';
import { listRoute } from '../../http/list-route.js';
import { customerIdParams } from './customer.schemas.js';

const tags = ['members'];
const memberId = z.string().trim().regex(/^[A-Za-z0-9_.-]{1,50}$/, '会员编号只能含字母、数字、_ . -，最长 50 位');
const params = z.object({ id: memberId });
const fields = z.object({
  customerId: customerIdParams.shape.id.nullable().optional().meta({ description: '所属客户；不给时按号码归属客户' }),
  name: z.string().trim().min(1).max(64).nullable().optional(),
  phone: dialableNumber.nullable().optional(),
  tier: z.string().trim().min(1).max(20).optional().meta({ description: '会员等级（member_tiers 中的代码，默认最低等级）' }),
  points: z.number().int().min(0).max(2_000_000_000).optional(),
  status: z.enum(MEMBER_STATUSES).optional(),
  segment: z.enum(CUSTOMER_SEGMENTS).nullable().optional(),
  tags: z.array(z.string().trim().min(1).max(32)).max(50).optional(),
  joinedAt: isoDateTime.optional(),
});
const createBody = fields.extend({ id: memberId.optional().meta({ description: '会员编号（会员卡号）；不给时生成' }) });
const listQuery = pagingQuery(['id', 'joinedAt', 'points', 'createdAt'], 'joinedAt').extend({
  q: z.string().trim().min(1).max(64).optional().meta({ description: '任意格式的号码、会员编号或姓名片段' }),
  tier: z.string().trim().min(1).max(20).optional(),
  status: z.enum(MEMBER_STATUSES).optional(),
  segment: z.enum(CUSTOMER_SEGMENTS).optional(),
  customerId: customerIdParams.shape.id.optional(),
});
const memberItem = z.object({
  id: z.string(),
  customerId: z.string().nullable(),
  name: z.string().nullable(),
  phone: z.string().nullable().meta({ description: '号码（打码）' }),
  tier: z.string(),
  points: z.number().int(),
  status: z.enum(MEMBER_STATUSES),
  segment: z.enum(CUSTOMER_SEGMENTS).nullable(),
  tags: z.array(z.string()),
  joinedAt: instant,
  createdAt: instant,
  updatedAt: instant,
});

/** Memberships (a customer's loyalty membership): create, read, update, list (numbers masked). */
export function memberRoutes() {
  return routes(
    route({
      method: 'post',
      path: '/api/members',
      summary: '新建会员（不给客户时按号码归属客户）',
      tags,
      permissions: ['member:edit'],
      body: createBody,
      responses: { 201: { description: '新建的会员（号码打码）', schema: memberItem } },
      errors: ['MEMBER_ID_TAKEN', 'CUSTOMER_MOBILE_TAKEN'],
      handler: async (ctx, { body }) => reply(201, await createMember(ctx.state.em, ctx.state.actor!, body)),
    }),
    listRoute({
      path: '/api/members',
      summary: '会员列表（号码打码）',
      tags,
      permissions: ['customer:view'],
      query: listQuery,
      page: { description: '一页会员', item: memberItem },
      errors: [],
      list: (ctx, { query }) => listMembers(ctx.state.em, ctx.state.actor!, query),
    }),
    route({
      method: 'get',
      path: '/api/members/:id',
      summary: '一位会员（号码打码）',
      tags,
      permissions: ['customer:view'],
      params,
      responses: { 200: { description: '会员', schema: memberItem } },
      errors: ['MEMBER_NOT_FOUND'],
      handler: (ctx, { params: p }) => getMember(ctx.state.em, ctx.state.actor!, p.id),
    }),
    route({
      method: 'patch',
      path: '/api/members/:id',
      summary: '修改会员（只改给出的字段）',
      tags,
      permissions: ['member:edit'],
      params,
      body: fields,
      responses: { 200: { description: '修改后的会员（号码打码）', schema: memberItem } },
      errors: ['MEMBER_NOT_FOUND', 'CUSTOMER_MOBILE_TAKEN'],
      handler: (ctx, { params: p, body }) => updateMember(ctx.state.em, ctx.state.actor!, p.id, body),
    }),
  );
}
