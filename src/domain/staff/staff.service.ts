import type { EntityManager } from '@mikro-orm/core';
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
  const holder = await em.findOne(StaffSchema, { mobile: e164, active: true, ...(exceptId ? { id: { $ne: exceptId } } : {}) }, { fields: ['id', 'name'], disableIdentityMap: true });
  if (holder) throw new DomainError('STAFF_MOBILE_TAKEN', `手机号 ${maskPhone(e164)} 已属于在职员工 ${holder.name}（#${holder.id}）`, { staffId: holder.id, name: holder.name });
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
  if (mobile) await assertMobileFree(em, mobile.e164, null);
  return em.transactional(async (tx) => {
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
  });
}
