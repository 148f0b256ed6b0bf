import { createHash, randomInt } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/core';
import { recordAudit } from '../audit/audit.service.js';
import type { AuditChannel } from '../audit/audit-log.entity.js';
import { authorize, can, type Actor } from '../auth/actor.js';
import { CustomerSchema } from '../customers/customer.entity.js';
import { DomainError } from '../shared/domain-error.js';
import { StaffSchema } from '../staff/staff.entity.js';
import { BindingCodeSchema, type BindingPurpose } from './binding-code.entity.js';
import { MiniappIdentitySchema } from './miniapp-identity.entity.js';

/** A code is valid this long after the bot hands it out. */
export const BINDING_CODE_TTL_MS = 10 * 60_000;
/** No 0/O/1/I/L: codes are read off one phone and typed into another. 8 of 31 symbols ≈ 40 bits. */
const ALPHABET = '23456789ABCDEFGHJKMNPQRSTUVWXYZ';
const CODE_LENGTH = 8;

export const hashCode = (code: string) => createHash('sha256').update(code.trim().toUpperCase()).digest('hex');

function newCode(): string {
  let code = '';
  for (let i = 0; i < CODE_LENGTH; i++) code += ALPHABET[randomInt(ALPHABET.length)];
  return code;
}

export type IssuedCode = { code: string; expiresAt: Date };

/** A one-time code that binds the staff member's mini-program identity or WeChat contact to them. */
export async function issueStaffCode(em: EntityManager, staffId: number, channel: AuditChannel, now = new Date()): Promise<IssuedCode> {
  return issue(em, { purpose: 'staff', staffId, customerId: null, issuedBy: staffId, channel, now });
}

/**
 * A one-time code for a customer's mini-program login: staff with customer:view may issue it for the
 * customers they own; for anyone else's customer it takes customer:edit (linking an identity to a
 * customer changes the customer).
 */
export async function issueCustomerCode(em: EntityManager, actor: Actor, input: { customerId: string; now?: Date }): Promise<IssuedCode> {
  authorize(actor, 'customer:view', '为客户生成绑定码');
  const customer = await em.findOne(CustomerSchema, { id: input.customerId });
  if (!customer) throw new DomainError('CUSTOMER_NOT_FOUND', `客户 ${input.customerId} 不存在`);
  if (customer.ownerStaff !== actor.staffId && !can(actor, 'customer:edit')) throw new DomainError('BINDING_FORBIDDEN', '只能为自己负责的客户生成绑定码', { required: ['customer:edit'] });
  return issue(em, { purpose: 'customer', staffId: null, customerId: customer.id, issuedBy: actor.staffId, channel: actor.channel, requestId: actor.requestId, now: input.now ?? new Date() });
}

async function issue(
  em: EntityManager,
  input: { purpose: BindingPurpose; staffId: number | null; customerId: string | null; issuedBy: number; channel: AuditChannel; requestId?: string; now: Date },
): Promise<IssuedCode> {
  const code = newCode();
  const expiresAt = new Date(input.now.getTime() + BINDING_CODE_TTL_MS);
  await em.transactional(async (tx) => {
    tx.create(BindingCodeSchema, { codeHash: hashCode(code), purpose: input.purpose, staff: input.staffId, customer: input.customerId, issuedBy: input.issuedBy, expiresAt, createdAt: input.now });
    recordAudit(tx, { actorStaffId: input.issuedBy, action: 'binding_code.issue', targetType: input.purpose === 'staff' ? 'staff' : 'customer', targetId: input.staffId ?? input.customerId, channel: input.channel, requestId: input.requestId });
  });
  return { code, expiresAt };
}

/** Uses a code once: marks it used, or throws BINDING_CODE_INVALID (unknown, used or expired: one message for all). */
async function consume(tx: EntityManager, code: string, usedBy: string, now: Date) {
  if (!/^[A-Za-z0-9]{6,12}$/.test(code.trim())) throw new DomainError('BINDING_CODE_INVALID', '绑定码无效或已过期');
  const row = await tx.findOne(BindingCodeSchema, { codeHash: hashCode(code) });
  if (!row || row.usedAt || row.expiresAt <= now) throw new DomainError('BINDING_CODE_INVALID', '绑定码无效或已过期');
  // Two binds racing on one code: only the update that still sees it unused wins.
  const claimed = await tx.nativeUpdate(BindingCodeSchema, { id: row.id, usedAt: null }, { usedAt: now, usedBy: usedBy.slice(0, 128) });
  if (claimed !== 1) throw new DomainError('BINDING_CODE_INVALID', '绑定码无效或已过期');
  return row;
}

/** Binds a WeChat contact (Wechaty) to the staff member who issued the code. */
export async function bindWechatContact(em: EntityManager, input: { code: string; contactId: string; now?: Date }): Promise<{ staffId: number; name: string }> {
  const now = input.now ?? new Date();
  return em.transactional(async (tx) => {
    const row = await consume(tx, input.code, `wechat:${input.contactId}`, now);
    if (row.purpose !== 'staff' || !row.staff) throw new DomainError('BINDING_CODE_INVALID', '绑定码无效或已过期');
    const taken = await tx.findOne(StaffSchema, { wechatContactId: input.contactId });
    if (taken && taken.id !== row.staff) throw new DomainError('BINDING_CONTACT_TAKEN_CONFLICT', '这个微信已绑定其他员工');
    const staff = await tx.findOneOrFail(StaffSchema, { id: row.staff });
    staff.wechatContactId = input.contactId;
    recordAudit(tx, { actorStaffId: staff.id, action: 'staff.bind_wechat', targetType: 'staff', targetId: staff.id, channel: 'wechaty' });
    return { staffId: staff.id, name: staff.name };
  });
}

/** Binds a mini-program identity to the staff member or customer the code was issued for. */
export async function bindMiniappIdentity(em: EntityManager, input: { code: string; identityId: number; now?: Date }): Promise<{ kind: 'staff'; staffId: number; role: string } | { kind: 'customer'; customerId: string }> {
  const now = input.now ?? new Date();
  return em.transactional(async (tx) => {
    const identity = await tx.findOne(MiniappIdentitySchema, { id: input.identityId });
    if (!identity) throw new DomainError('UNAUTHENTICATED', '小程序登录已失效，请重新登录');
    const row = await consume(tx, input.code, `miniapp:${identity.openId}`, now);
    if (row.purpose === 'staff' && row.staff) {
      const staff = await tx.findOne(StaffSchema, { id: row.staff, active: true });
      if (!staff) throw new DomainError('BINDING_CODE_INVALID', '绑定码无效或已过期');
      const taken = await tx.findOne(StaffSchema, { miniappOpenId: identity.openId });
      if (taken && taken.id !== staff.id) throw new DomainError('BINDING_IDENTITY_TAKEN_CONFLICT', '这个微信已绑定其他员工');
      staff.miniappOpenId = identity.openId;
      identity.staff = staff.id;
      recordAudit(tx, { actorStaffId: staff.id, action: 'staff.bind_miniapp', targetType: 'staff', targetId: staff.id, channel: 'miniapp' });
      return { kind: 'staff' as const, staffId: staff.id, role: staff.role };
    }
    const customerId = row.customer?.id;
    if (!customerId) throw new DomainError('BINDING_CODE_INVALID', '绑定码无效或已过期');
    identity.customer = tx.getReference(CustomerSchema, customerId, { wrapped: true });
    recordAudit(tx, { actorStaffId: row.issuedBy ?? null, action: 'customer.bind_miniapp', targetType: 'customer', targetId: customerId, channel: 'miniapp' });
    return { kind: 'customer' as const, customerId };
  });
}
