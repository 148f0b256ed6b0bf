import type { EntityManager } from '@mikro-orm/core';
import { recordAudit } from '../audit/audit.service.js';
import type { AuditChannel } from '../audit/audit-log.entity.js';
import { DomainError } from '../shared/domain-error.js';
import { StaffSchema } from '../staff/staff.entity.js';
import { SALES_STATUSES, StaffStatusSchema, type SalesStatus } from './staff-status.entity.js';

/** A status older than this counts as unknown (seed 003: the Redis key expired after one hour). */
export const STATUS_TTL_MS = 60 * 60 * 1000;

export const SALES_STATUS_LABELS: Record<SalesStatus, string> = {
  in_office: '在办公室',
  in_field: '外出',
  in_meeting: '开会',
  off_duty: '下班',
  on_leave: '休假',
};

export type EffectiveStatus = { status: SalesStatus | 'unknown'; location: string | null; updatedAt: Date | null };

/** Sets a staff member's own status (from the mini-program, WeCom or the API); audited with its channel. */
export async function setSalesStatus(
  em: EntityManager,
  input: { staffId: number; status: SalesStatus; location?: string | null; channel: AuditChannel; requestId?: string; now?: Date },
): Promise<EffectiveStatus> {
  if (!SALES_STATUSES.includes(input.status)) {
    throw new DomainError('VALIDATION_FAILED', `状态必须是 ${SALES_STATUSES.join('/')}`, { fields: [{ field: 'status', message: '未知的状态' }] });
  }
  const location = input.location?.trim() || null;
  if (location && location.length > 128) throw new DomainError('VALIDATION_FAILED', '地点不超过 128 个字符', { fields: [{ field: 'location', message: '最多 128 个字符' }] });
  const now = input.now ?? new Date();
  return em.transactional(async (tx) => {
    if (!(await tx.findOne(StaffSchema, { id: input.staffId, active: true }))) throw new DomainError('STAFF_NOT_FOUND', `员工 ${input.staffId} 不存在`);
    const row = await tx.findOne(StaffStatusSchema, { staff: input.staffId });
    const expiresAt = new Date(now.getTime() + STATUS_TTL_MS);
    if (row) tx.assign(row, { status: input.status, location, expiresAt, updatedAt: now });
    else tx.create(StaffStatusSchema, { staff: input.staffId, status: input.status, location, expiresAt, createdAt: now, updatedAt: now });
    recordAudit(tx, { actorStaffId: input.staffId, action: 'sales_status.set', targetType: 'staff', targetId: input.staffId, channel: input.channel, requestId: input.requestId, details: { status: input.status, location } });
    return { status: input.status, location, updatedAt: now };
  });
}

/** A status row as routing sees it: past its expiry it is `unknown`. */
export function effectiveStatus(row: { status: SalesStatus; location?: string | null; updatedAt: Date; expiresAt?: Date | null } | null, now = new Date()): EffectiveStatus {
  if (!row) return { status: 'unknown', location: null, updatedAt: null };
  const expired = (row.expiresAt ?? new Date(row.updatedAt.getTime() + STATUS_TTL_MS)) <= now;
  return { status: expired ? 'unknown' : row.status, location: row.location ?? null, updatedAt: row.updatedAt };
}

/** Every active staff member with their effective status, for the team view and routing. */
export async function teamStatus(em: EntityManager, now = new Date()) {
  const staff = await em.find(StaffSchema, { active: true }, { orderBy: { id: 'asc' } });
  const rows = await em.find(StaffStatusSchema, { staff: { $in: staff.map((s) => s.id) } });
  const byStaff = new Map(rows.map((r) => [r.staff, r]));
  return staff.map((s) => ({ staffId: s.id, name: s.name, role: s.role, ...effectiveStatus(byStaff.get(s.id) ?? null, now) }));
}
