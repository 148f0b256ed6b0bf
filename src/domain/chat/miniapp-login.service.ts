import type { EntityManager } from '@mikro-orm/core';
import type { WechatLogin } from '../ports/wechat-login.port.js';
import { DomainError } from '../shared/domain-error.js';
import { StaffSchema } from '../staff/staff.entity.js';
import { MiniappIdentitySchema } from './miniapp-identity.entity.js';

export type MiniappSession = { identityId: number; staffId: number | null; customerId: string | null };

/** What a mini-program identity is bound to now (a deactivated staff member no longer counts). */
export async function miniappSession(em: EntityManager, identityId: number): Promise<MiniappSession | null> {
  const identity = await em.findOne(MiniappIdentitySchema, { id: identityId });
  if (!identity) return null;
  const staff = identity.staff ? await em.findOne(StaffSchema, { id: identity.staff, active: true }) : null;
  return { identityId: identity.id, staffId: staff?.id ?? null, customerId: identity.customer?.id ?? null };
}

/**
 * Logs a mini-program user in with a wx.login code: the code is exchanged with WeChat, the identity is
 * created or refreshed (the new session_key replaces the old one, server-side only).
 */
export async function loginWithCode(em: EntityManager, login: WechatLogin, code: string, now = new Date()): Promise<MiniappSession> {
  const result = await login.exchangeCode(code);
  if (!result.ok) {
    const message = { WECHAT_CODE_INVALID: '登录凭证无效或已使用，请重新登录', WECHAT_RATE_LIMITED: '登录太频繁，请稍后再试', WECHAT_USER_BLOCKED: '该微信账号暂时无法登录', WECHAT_UNAVAILABLE: '微信登录服务暂时不可用，请稍后再试' }[result.code];
    throw new DomainError(result.code, message);
  }
  const id = await em.transactional(async (tx) => {
    let identity = await tx.findOne(MiniappIdentitySchema, { openId: result.openId });
    if (identity) tx.assign(identity, { sessionKey: result.sessionKey, unionId: result.unionId ?? identity.unionId, lastLoginAt: now });
    else identity = tx.create(MiniappIdentitySchema, { openId: result.openId, unionId: result.unionId, sessionKey: result.sessionKey, lastLoginAt: now });
    // A staff member bound earlier (staff.miniapp_open_id) is found again after a fresh install.
    if (!identity.staff) {
      const staff = await tx.findOne(StaffSchema, { miniappOpenId: result.openId, active: true });
      if (staff) identity.staff = staff.id;
    }
    await tx.flush();
    return identity.id;
  });
  return (await miniappSession(em, id))!;
}
