import { z } from 'zod';
import { listAudit } from '../../domain/audit/audit-query.js';
import { AUDIT_CHANNELS } from '../../domain/audit/audit-log.entity.js';
import { pagingQuery } from '../http/paging.js';
import { instant } from '../http/response.schemas.js';
import { routes } from '../http/route.js';
import { listRoute } from '../http/list-route.js';

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
    listRoute({
      path: '/api/audit-log',
      summary: '审计日志（最新在前）',
      tags: ['audit'],
      permissions: ['audit:view'],
      query: auditQuery,
      page: { description: '一页审计记录', item: auditEntry },
      errors: [],
      list: (ctx, { query }) => listAudit(ctx.state.em, query),
    }),
  );
}
