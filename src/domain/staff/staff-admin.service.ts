import type { EntityManager } from '@mikro-orm/core';
import { recordAudit } from '../audit/audit.service.js';
import { authorize, type Actor } from '../auth/actor.js';
import { auditedBy } from '../auth/staff-actor.js';
import { DomainError } from '../shared/domain-error.js';
import { normalizePhone } from '../shared/phone.js';
import type { FieldIssue } from '../shared/validation.js';
import { StaffSchema, type Staff, type StaffRole, type Weekday } from './staff.entity.js';
import { claimingMobile } from './staff.service.js';
import { staffDetail } from './staff.view.js';

export type StaffChanges = {
  name?: string;
  role?: StaffRole;
  mobile?: string | null;
  officeExt?: string | null;
  wecomUserId?: string | null;
  dutyDays?: Weekday[];
  /** HH:MM in the business time zone; a window may run past midnight (22:00–09:00). */
  dutyStart?: string | null;
  dutyEnd?: string | null;
  maxDailyCalls?: number;
  forwardingType?: 'sequential' | 'simultaneous';
  officeTimeoutSec?: number;
  mobileTimeoutSec?: number;
};

async function staffOrFail(em: EntityManager, id: number): Promise<Staff> {
  const staff = await em.findOne(StaffSchema, { id });
  if (!staff) throw new DomainError('STAFF_NOT_FOUND', `员工 ${id} 不存在`);
  return staff;
}

export async function getStaff(em: EntityManager, actor: Actor, id: number) {
  authorize(actor, 'staff:manage', '管理员工');
  return staffDetail(await staffOrFail(em, id));
}

/**
 * Changes the given fields of a staff member. A role change, like everything else here, is in force on
 * their next request (the role is read from the row). The mobile must be a mainland mobile no other
 * active staff member has; duty hours come as a pair; a WeCom user id belongs to one person.
 */
export async function updateStaff(em: EntityManager, actor: Actor, id: number, input: StaffChanges) {
  authorize(actor, 'staff:manage', '管理员工');
  const staff = await staffOrFail(em, id);
  const problems: FieldIssue[] = [];
  const row: Record<string, unknown> = {};
  for (const key of ['name', 'role', 'officeExt', 'wecomUserId', 'dutyDays', 'dutyStart', 'dutyEnd', 'maxDailyCalls', 'forwardingType', 'officeTimeoutSec', 'mobileTimeoutSec'] as const) {
    if (input[key] !== undefined) row[key] = input[key];
  }
  if (input.dutyDays) row.dutyDays = [...new Set(input.dutyDays)];
  if (input.mobile !== undefined) {
    const mobile = input.mobile ? normalizePhone(input.mobile) : null;
    if (input.mobile && mobile?.kind !== 'mobile') problems.push({ field: 'mobile', message: '不是有效的中国大陆手机号' });
    row.mobile = mobile?.e164 ?? null;
    row.mobileLast8 = mobile?.last8 ?? null;
  }
  const start = input.dutyStart !== undefined ? input.dutyStart : staff.dutyStart;
  const end = input.dutyEnd !== undefined ? input.dutyEnd : staff.dutyEnd;
  if ((start == null) !== (end == null)) problems.push({ field: start == null ? 'dutyStart' : 'dutyEnd', message: '值班开始和结束时间须同时设置或同时清空' });
  if (start != null && start === end) problems.push({ field: 'dutyEnd', message: '值班结束时间不能等于开始时间' });
  if (problems.length) throw new DomainError('VALIDATION_FAILED', '员工信息不合法', { fields: problems });
  if (input.wecomUserId && (await em.count(StaffSchema, { wecomUserId: input.wecomUserId, id: { $ne: id } }))) {
    throw new DomainError('STAFF_WECOM_USER_EXISTS', `企业微信账号 ${input.wecomUserId} 已绑定其他员工`);
  }
  const claimed = staff.active ? (row.mobile as string | null | undefined) : null;
  return claimingMobile(em, claimed, id, () => em.transactional(async (tx) => {
    await tx.nativeUpdate(StaffSchema, { id }, { ...row, updatedAt: new Date() } as never);
    recordAudit(tx, { ...auditedBy(actor), action: 'staff.update', targetType: 'staff', targetId: id, details: { fields: Object.keys(input), ...(input.role ? { role: input.role } : {}) } });
    await tx.flush();
    return staffDetail((await tx.findOne(StaffSchema, { id }, { disableIdentityMap: true }))!);
  }));
}

/**
 * Deactivates or reactivates a staff member. Deactivated, their tokens are refused on the next request
 * (authentication reads `active`), inbound routing and duty no longer ring them, chat no longer knows
 * them. Nobody deactivates themselves; a reactivated member's mobile must not have gone to someone else.
 */
export async function setStaffActive(em: EntityManager, actor: Actor, id: number, active: boolean, reason?: string) {
  authorize(actor, 'staff:manage', '管理员工');
  const staff = await staffOrFail(em, id);
  if (!active && id === actor.staffId) throw new DomainError('STAFF_SELF_DEACTIVATION', '不能停用自己（请让另一位管理员操作）');
  if (staff.active === active) return staffDetail(staff);
  return claimingMobile(em, active ? staff.mobile : null, id, () => em.transactional(async (tx) => {
    await tx.nativeUpdate(StaffSchema, { id }, { active, updatedAt: new Date() });
    recordAudit(tx, { ...auditedBy(actor), action: active ? 'staff.activate' : 'staff.deactivate', targetType: 'staff', targetId: id, details: reason ? { reason } : {} });
    await tx.flush();
    return staffDetail((await tx.findOne(StaffSchema, { id }, { disableIdentityMap: true }))!);
  }));
}
