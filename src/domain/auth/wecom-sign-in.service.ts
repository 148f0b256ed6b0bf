import type { EntityManager } from '@mikro-orm/core';
import { errorSpec, type ErrorCode } from '../errors/registry.js';
import type { WecomSignIn } from '../ports/wecom-sign-in.port.js';
import { DomainError } from '../shared/domain-error.js';
import { StaffSchema, type StaffRole } from '../staff/staff.entity.js';

/**
 * Signs a staff member in with a WeCom web sign-in code: WeCom names the member, the member's active staff
 * row (staff.wecom_user_id) is who signs in. Throws WECOM_CODE_INVALID, WECOM_NOT_MEMBER,
 * WECOM_USER_NOT_STAFF or WECOM_SIGN_IN_UNAVAILABLE.
 */
export async function signInWithWecomCode(em: EntityManager, signIn: WecomSignIn, code: string): Promise<{ staffId: number; role: StaffRole; wecomUserId: string }> {
  const result = await signIn.memberByCode(code);
  if (!result.ok) throw failure(result.code, { reason: result.message });
  const staff = await em.findOne(StaffSchema, { wecomUserId: result.userId, active: true }, { fields: ['id', 'role'] });
  if (!staff) throw failure('WECOM_USER_NOT_STAFF', { wecomUserId: result.userId });
  return { staffId: staff.id, role: staff.role, wecomUserId: result.userId };
}

/** The registry's Chinese message is what the signing-in manager reads. */
const failure = (code: ErrorCode, details: unknown) => new DomainError(code, errorSpec(code).message ?? code, details);
