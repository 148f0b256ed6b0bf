/**
 * Exchanges a mini-program login code (wx.login) for the user's identity. The session key it returns is
 * a secret: it stays on the server and never appears in a response or a log line.
 */
export interface WechatLogin {
  /** Resolves `{ ok: false, code }` for a bad/used code (`WECHAT_CODE_INVALID`), throttling or an unreachable service. */
  exchangeCode(code: string): Promise<WechatLoginResult>;
}

export type WechatLoginResult =
  | { ok: true; openId: string; unionId: string | null; sessionKey: string }
  | { ok: false; code: 'WECHAT_CODE_INVALID' | 'WECHAT_RATE_LIMITED' | 'WECHAT_USER_BLOCKED' | 'WECHAT_UNAVAILABLE'; message: string };
