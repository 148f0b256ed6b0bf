import { UniqueConstraintViolationException, type EntityManager } from '@mikro-orm/core';
import { DomainError } from '../shared/domain-error.js';
import { maskPhone, normalizePhone } from '../shared/phone.js';
import { recordAudit } from '../audit/audit.service.js';
import type { AuditChannel } from '../audit/audit-log.entity.js';
import { STAFF_ROLES, StaffSchema, type Staff, type StaffRole } from './staff.entity.js';

export type NewStaff = {
  name: string;
  role: StaffRole;
  mobile?: string;
  wecomUserId?: string;
  officeExt?: string;
};

/** 409 STAFF_MOBILE_TAKEN when another active staff member has the mobile (calls to it would ring two people's records). */
export async function assertMobileFree(em: EntityManager, e164: string, exceptId: number | null): Promise<void> {
  const holder = await em.findOne(StaffSchema, { activeMobile: e164, ...(exceptId ? { id: { $ne: exceptId } } : {}) }, { fields: ['id', 'name'], disableIdentityMap: true });
  if (holder) throw new DomainError('STAFF_MOBILE_TAKEN', `手机号 ${maskPhone(e164)} 已属于在职员工 ${holder.name}（#${holder.id}）`, { staffId: holder.id, name: holder.name });
}

/**
 * Runs a write that may give `e164` to an active staff member. The check above answers the common case;
 * the unique key on `staff.active_mobile` decides a race (two requests at once), and the loser gets the
 * same 409 naming the winner.
 */
export async function claimingMobile<T>(em: EntityManager, e164: string | null | undefined, exceptId: number | null, write: () => Promise<T>): Promise<T> {
  if (e164) await assertMobileFree(em, e164, exceptId);
  try {
    return await write();
  } catch (err) {
    if (e164 && err instanceof UniqueConstraintViolationException) await assertMobileFree(em.fork(), e164, exceptId);
    throw err;
  }
}

/** Creates a staff member; the mobile must be a mainland mobile of no other active staff member, and a WeCom user id can belong to one person. */
export async function createStaff(
  em: EntityManager,
  input: NewStaff,
  by: { actorStaffId: number | null; channel: AuditChannel; requestId?: string },
): Promise<Staff> {
  const problems: { field: string; message: string }[] = [];
  const name = input.name.trim();
  if (!name || name.length > 64) problems.push({ field: 'name', message: '姓名必填且不超过 64 个字符' });
  if (!STAFF_ROLES.includes(input.role)) problems.push({ field: 'role', message: `角色必须是 ${STAFF_ROLES.join('/')}` });
  const mobile = input.mobile ? normalizePhone(input.mobile) : null;
  if (input.mobile && mobile?.kind !== 'mobile') problems.push({ field: 'mobile', message: '不是有效的中国大陆手机号' });
  if (input.officeExt && !/^\d{2,8}$/.test(input.officeExt)) problems.push({ field: 'officeExt', message: '分机号应为 2-8 位数字' });
  if (problems.length) throw new DomainError('VALIDATION_FAILED', '员工信息不合法', { fields: problems });

  if (input.wecomUserId && (await em.count(StaffSchema, { wecomUserId: input.wecomUserId })) > 0) {
    throw new DomainError('STAFF_WECOM_USER_EXISTS', `企业微信账号 ${input.wecomUserId} 已绑定其他员工`);
  }
  return claimingMobile(em, mobile?.e164, null, () => em.transactional(async (tx) => {
    const staff = tx.create(StaffSchema, {
      name,
      role: input.role,
      mobile: mobile?.e164 ?? null,
      mobileLast8: mobile?.last8 ?? null,
      officeExt: input.officeExt ?? null,
      wecomUserId: input.wecomUserId ?? null,
      dutyDays: [],
    });
    await tx.flush();
    recordAudit(tx, { ...by, action: 'staff.create', targetType: 'staff', targetId: staff.id, details: { role: staff.role } });
    return staff;
  }));
}
