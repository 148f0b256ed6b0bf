import type { EntityManager } from '@mikro-orm/core';
import { currentRequestId } from './request-scope.js';
import { AuditLogSchema, type AuditChannel } from './audit-log.entity.js';

export type AuditEntry = {
  actorStaffId: number | null;
  action: string;
  targetType: string;
  targetId?: string | number | null;
  channel: AuditChannel;
  details?: Record<string, unknown>;
  requestId?: string;
};

/**
 * Adds an audit row to the unit of work; it is written with the change it describes (same flush). The
 * request id is the entry's, else the one of the request this runs in (see request-scope.ts).
 */
export function recordAudit(em: EntityManager, entry: AuditEntry): void {
  em.create(AuditLogSchema, {
    actorStaffId: entry.actorStaffId,
    action: entry.action,
    targetType: entry.targetType,
    targetId: entry.targetId == null ? null : String(entry.targetId),
    channel: entry.channel,
    details: entry.details ?? null,
    requestId: entry.requestId ?? currentRequestId() ?? null,
  });
}
