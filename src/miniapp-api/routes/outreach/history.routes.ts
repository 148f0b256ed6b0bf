import { z } from 'zod';
import { listContactHistory } from '../../../domain/outreach/contact-history.query.js';
import { CONTACT_HISTORY_TYPES } from '../../../domain/outreach/contact-history.entity.js';
import { CONTACT_CHANNELS } from '../../../domain/shared/vocabulary.js';
import { pageOf } from '../../http/envelope.js';
import { pageOf as pageSchema } from '../../http/response.schemas.js';
import { route, routes } from '../../http/route.js';

export const historyQuery = z.object({
  customerId: z.string().trim().min(1).max(64),
  page: z.coerce.number().int().min(1).default(1),
  size: z.coerce.number().int().min(1).max(100).optional(),
  limit: z.coerce.number().int().min(1).max(100).optional().meta({ description: '种子文档里 size 的名字（§5.6）' }),
  order: z.enum(['asc', 'desc']).default('desc'),
});
export const historyEntry = z.object({
  id: z.number().int(),
  customerId: z.string(),
  channel: z.enum(CONTACT_CHANNELS),
  type: z.enum(CONTACT_HISTORY_TYPES),
  content: z.string(),
  status: z.string(),
  result: z.string().nullable(),
  phone: z.string().nullable().meta({ description: '打码的号码' }),
  createdBy: z.number().int().nullable(),
  createdAt: z.iso.datetime(),
  dryRun: z.boolean().meta({ description: '演练模式（OUTREACH_DRY_RUN 或未配置运营商）：未真正发出' }),
});

/** GET /api/ai-ops/outreach/history?customerId=&limit= : contact history, newest first. */
export function historyRoutes() {
  return routes(
    route({
      method: 'get',
      path: '/api/ai-ops/outreach/history',
      summary: '客户的联系记录（最新在前）',
      tags: ['outreach'],
      permissions: ['outreach:history:view'],
      query: historyQuery,
      responses: { 200: { description: '一页联系记录', schema: pageSchema(historyEntry) } },
      errors: ['CUSTOMER_NOT_FOUND'],
      handler: async (ctx, { query }) => {
        const { size, limit, ...rest } = query;
        const q = { ...rest, size: size ?? limit ?? 20 };
        const { rows, total } = await listContactHistory(ctx.state.em, q);
        return pageOf(rows, total, q.page, q.size);
      },
    }),
  );
}
