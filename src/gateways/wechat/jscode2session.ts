import type { WechatLogin, WechatLoginResult } from '../../domain/ports/wechat-login.port.js';

export type Jscode2SessionOptions = { baseUrl: string; appId: string; secret: string; timeoutMs?: number };

/** WeChat's errcodes for jscode2session mapped to our codes (40029 invalid code, 40163 code used, 45011 rate limit, 40226 risky user). */
const CODES: Record<number, Exclude<WechatLoginResult, { ok: true }>['code']> = {
  40029: 'WECHAT_CODE_INVALID',
  40163: 'WECHAT_CODE_INVALID',
  45011: 'WECHAT_RATE_LIMITED',
  40226: 'WECHAT_USER_BLOCKED',
};

/** The mini-program login over GET /sns/jscode2session at `baseUrl` (api.weixin.qq.com or a local fake). */
export function createJscode2SessionLogin(options: Jscode2SessionOptions): WechatLogin {
  const base = options.baseUrl.replace(/\/+$/, '');
  return {
    async exchangeCode(code) {
      const query = new URLSearchParams({ appid: options.appId, secret: options.secret, js_code: code, grant_type: 'authorization_code' });
      let body: { openid?: string; unionid?: string; session_key?: string; errcode?: number; errmsg?: string };
      try {
        const res = await fetch(`${base}/sns/jscode2session?${query}`, { signal: AbortSignal.timeout(options.timeoutMs ?? 5000) });
        if (!res.ok) return { ok: false, code: 'WECHAT_UNAVAILABLE', message: `jscode2session HTTP ${res.status}` };
        body = (await res.json()) as typeof body;
      } catch (err) {
        return { ok: false, code: 'WECHAT_UNAVAILABLE', message: `jscode2session: ${(err as Error).name}` };
      }
      const errcode = body.errcode ?? 0;
      if (errcode !== 0 || !body.openid || !body.session_key) {
        return { ok: false, code: CODES[errcode] ?? 'WECHAT_UNAVAILABLE', message: `jscode2session errcode ${errcode}` };
      }
      return { ok: true, openId: body.openid, unionId: body.unionid ?? null, sessionKey: body.session_key };
    },
  };
}
