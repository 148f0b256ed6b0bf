import type { WecomSignIn } from '../../domain/ports/wecom-sign-in.port.js';
import type { WecomClient } from './wecom-client.js';

/** 40029 invalid code, 41008 missing code (https://developer.work.weixin.qq.com/document/path/90313). */
const CODE_ERRORS = new Set([40029, 41008]);

/** The WecomSignIn port over the app's WeCom client (GET /cgi-bin/auth/getuserinfo). */
export function wecomSignIn(client: WecomClient): WecomSignIn {
  return {
    async memberByCode(code) {
      const res = await client.userIdByCode(code);
      if (res.ok) return { ok: true, userId: res.userId };
      if (res.code === 'WECOM_NOT_MEMBER') return { ok: false, code: 'WECOM_NOT_MEMBER', message: res.message };
      if (res.errcode !== undefined && CODE_ERRORS.has(res.errcode)) return { ok: false, code: 'WECOM_CODE_INVALID', message: res.message };
      return { ok: false, code: 'WECOM_SIGN_IN_UNAVAILABLE', message: res.message };
    },
  };
}
