import { z } from 'zod';
import { listAudit } from '../../domain/audit/audit-query.js';
import { AUDIT_CHANNELS } from '../../domain/audit/audit-log.entity.js';
import { pageOf } from '../http/envelope.js';
import { pagingQuery } from '../http/paging.js';
import { instant, pageOf as pageSchema } from '../http/response.schemas.js';
import { route, routes } from '../http/route.js';

export const auditQuery = pagingQuery(['createdAt'], 'createdAt').extend({
  action: z.string().max(64).optional(),
  targetType: z.string().max(64).optional(),
});
export const auditEntry = z.object({
  id: z.number().int(),
  actorStaffId: z.number().int().nullable(),
  action: z.string(),
  targetType: z.string(),
  targetId: z.string().nullable(),
  channel: z.enum(AUDIT_CHANNELS),
  details: z.record(z.string(), z.unknown()).nullable(),
  requestId: z.string().nullable(),
  createdAt: instant,
});

/** GET /api/audit-log: who did what, newest first. */
export function auditRoutes() {
  return routes(
    route({
      method: 'get',
      path: '/api/audit-log',
      summary: '审计日志（最新在前）',
      tags: ['audit'],
      permissions: ['audit:view'],
      query: auditQuery,
      responses: { 200: { description: '一页审计记录', schema: pageSchema(auditEntry) } },
      errors: [],
      handler: async (ctx, { query }) => {
        const { rows, total } = await listAudit(ctx.state.em, query);
        return pageOf(rows, total, query.page, query.size);
      },
    }),
  );
}
