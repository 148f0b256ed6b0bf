import type { EntityManager } from '@mikro-orm/core';
import { AuditLogSchema } from './audit-log.entity.js';

export type AuditQuery = { page: number; size: number; order: 'asc' | 'desc'; action?: string; targetType?: string };

/** The audit log, newest first by default. */
export async function listAudit(em: EntityManager, q: AuditQuery) {
  const where = { ...(q.action ? { action: q.action } : {}), ...(q.targetType ? { targetType: q.targetType } : {}) };
  const [rows, total] = await em.findAndCount(AuditLogSchema, where, {
    orderBy: { id: q.order },
    limit: q.size,
    offset: (q.page - 1) * q.size,
  });
  return { rows, total };
}
