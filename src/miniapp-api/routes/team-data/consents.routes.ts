import { Readable } from 'node:stream';
import { z } from 'zod';
import { CONSENT_STATES } from '../../../domain/compliance/consent.entity.js';
import { CONSENT_ACTIONS, consentOf, exportConsentsCsv, listConsents, recordConsentDecision } from '../../../domain/compliance/consent.service.js';
import { isoDateTime } from '../../../domain/shared/date-time.schema.js';
import { dialableNumber } from '../../../domain/shared/phone.schema.js';
import { CONTACT_CHANNELS } from '../../../domain/shared/vocabulary.js';
import { instant } from '../../http/response.schemas.js';
import { reply, route, routes } from '../../http/route.js';
import { listRoute } from '../../http/list-route.js';

const source = z.string().trim().regex(/^[a-z][a-z0-9_]{1,31}$/, '来源为 2-32 位小写字母、数字或下划线，例如 signed_form');

export const consentBody = z.object({
  phone: dialableNumber,
  channels: z.array(z.enum(CONTACT_CHANNELS)).min(1).max(CONTACT_CHANNELS.length).meta({ description: '渠道：sms、call、wechat、email（可多个）' }),
  action: z.enum(CONSENT_ACTIONS).meta({ description: 'grant 授权 · revoke 撤回 · blacklist 列入黑名单' }),
  source: source.meta({ description: '来源：signed_form（签字表单）、phone_call、email、import、miniapp …', example: 'signed_form' }),
  evidence: z.string().trim().min(1).max(500).optional().meta({ description: '凭证：签字表单编号、录音编号、文件来源等；授权时必填' }),
  textVersion: z.string().trim().min(1).max(32).optional().meta({ description: '客户看到的授权文本版本' }),
  reason: z.string().trim().max(255).optional(),
  customerId: z.string().trim().min(1).max(64).optional().meta({ description: '不给时按号码查找客户' }),
  at: isoDateTime.optional().meta({ description: '客户作出决定的时间（默认现在）' }),
});

export const consentItem = z.object({
  id: z.number().int(),
  phone: z.string().meta({ description: '号码（打码）' }),
  customerId: z.string().nullable(),
  channel: z.enum(CONTACT_CHANNELS),
  state: z.enum(CONSENT_STATES),
  source: z.string(),
  evidence: z.string().nullable(),
  textVersion: z.string().nullable(),
  reason: z.string().nullable(),
  recordedBy: z.number().int().nullable(),
  recordedAt: instant,
});

export const consentOverview = z.object({
  phone: z.string().meta({ description: '号码（打码）' }),
  channels: z.array(
    z.object({ channel: z.enum(CONTACT_CHANNELS), state: z.enum([...CONSENT_STATES, 'none']).meta({ description: 'none：没有任何记录（营销不可发）' }), since: instant.nullable(), source: z.string().nullable() }),
  ),
  history: z.array(consentItem).meta({ description: '全部记录，最新在前' }),
});

const listQuery = z.object({
  page: z.coerce.number().int().min(1).default(1),
  size: z.coerce.number().int().min(1).max(100).default(10),
  order: z.enum(['asc', 'desc']).default('desc'),
  phone: dialableNumber.optional(),
  channel: z.enum(CONTACT_CHANNELS).optional(),
  state: z.enum(CONSENT_STATES).optional(),
  source: source.optional(),
  customerId: z.string().trim().min(1).max(64).optional(),
});

/** The consent ledger by API: record, look up one number, list, export for an audit (CSV). */
export function consentRoutes() {
  return routes(
    route({
      method: 'post',
      path: '/api/consents',
      summary: '登记授权、撤回或黑名单（按号码和渠道，附来源与凭证）',
      tags: ['consents'],
      permissions: ['consent:record'],
      body: consentBody,
      responses: { 201: { description: '该号码各渠道的现状与全部记录', schema: consentOverview } },
      errors: ['CUSTOMER_NOT_FOUND', 'CONSENT_BLACKLISTED_CONFLICT', 'INVALID_PHONE_NUMBER'],
      handler: async (ctx, { body }) => reply(201, await recordConsentDecision(ctx.state.em, ctx.state.actor!, body)),
    }),
    listRoute({
      path: '/api/consents',
      summary: '授权台账（分页，号码打码）',
      tags: ['consents'],
      permissions: ['consent:view'],
      query: listQuery,
      page: { description: '一页台账记录', item: consentItem },
      errors: ['INVALID_PHONE_NUMBER'],
      list: (ctx, { query }) => listConsents(ctx.state.em, ctx.state.actor!, query),
    }),
    route({
      method: 'get',
      path: '/api/consents/export',
      summary: '导出整个授权台账（CSV，供审计；完整号码，导出本身记入审计日志）',
      tags: ['consents'],
      permissions: ['consent:export'],
      responses: { 200: { description: 'UTF-8 CSV（带 BOM，Excel 可直接打开）', contentType: 'text/csv' } },
      errors: [],
      handler: async (ctx) => {
        const lines = exportConsentsCsv(ctx.state.em, ctx.state.actor!);
        const first = await lines.next();
        ctx.status = 200;
        ctx.type = 'text/csv; charset=utf-8';
        ctx.attachment(`consents-${new Date().toISOString().slice(0, 10)}.csv`);
        ctx.body = Readable.from((async function* () {
          if (!first.done) yield first.value;
          yield* lines;
        })());
        return undefined;
      },
    }),
    route({
      method: 'get',
      path: '/api/consents/:phone',
      summary: '一个号码各渠道的授权现状与全部记录',
      tags: ['consents'],
      permissions: ['consent:view'],
      params: z.object({ phone: dialableNumber }),
      responses: { 200: { description: '各渠道现状（none：无记录）与历史', schema: consentOverview } },
      errors: ['INVALID_PHONE_NUMBER'],
      handler: (ctx, { params }) => consentOf(ctx.state.em, ctx.state.actor!, params.phone),
    }),
  );
}
