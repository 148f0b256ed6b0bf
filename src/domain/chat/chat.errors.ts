/** Chat-ops: binding codes, chat permissions, mini-program login (WeChat) and the WeCom callback's checks. */
export const CHAT_ERRORS = {
  BINDING_CODE_INVALID: { status: 400 },
  BINDING_FORBIDDEN: { status: 403 },
  BINDING_IDENTITY_TAKEN_CONFLICT: { status: 409 },
  BINDING_CONTACT_TAKEN_CONFLICT: { status: 409 },
  CHAT_NOT_BOUND: { status: 403 },
  CHAT_FORBIDDEN: { status: 403 },
  MINIAPP_CUSTOMER_NOT_BOUND: { status: 403 },
  /** The call-task service is not wired in this deployment. */
  CALL_TASKS_UNAVAILABLE: { status: 503 },
  WECHAT_CODE_INVALID: { status: 400 },
  WECHAT_USER_BLOCKED: { status: 400 },
  WECHAT_RATE_LIMITED: { status: 429, retryable: true },
  WECHAT_UNAVAILABLE: { status: 503, retryable: true },
  WECOM_PARAM_MISSING: { status: 400, message: '缺少或重复的参数 msg_signature/timestamp/nonce/echostr' },
  WECOM_PARAM_INVALID: { status: 400, message: '参数格式不正确' },
  WECOM_BODY_INVALID: { status: 400, message: '请求体不是企业微信的加密 XML' },
  WECOM_BODY_TOO_LARGE: { status: 413, message: '请求体过大' },
  WECOM_TIMESTAMP_STALE: { status: 401, message: '时间戳超出允许范围（±300 秒）' },
  WECOM_SIGNATURE_INVALID: { status: 401, message: '签名校验失败' },
  WECOM_NONCE_REPLAYED: { status: 409, message: '重复的请求（nonce 已使用）' },
  WECOM_CIPHERTEXT_INVALID: { status: 400, message: '密文无法解密' },
  WECOM_PADDING_INVALID: { status: 400, message: '密文填充不正确' },
  WECOM_LENGTH_INVALID: { status: 400, message: '密文长度字段不正确' },
  WECOM_RECEIVER_MISMATCH: { status: 403, message: '接收方 ID 与本企业不符' },
  WECOM_BUSY: { status: 503, retryable: true, message: '服务繁忙，请稍后重试' },
  /** WeCom web sign-in (OAuth2): the code is invalid, used or older than 5 minutes. */
  WECOM_CODE_INVALID: { status: 400, message: '企业微信授权码无效或已使用，请从工作台重新打开' },
  /** WeCom web sign-in: the visitor is not a member of this corp (WeCom answered an openid). */
  WECOM_NOT_MEMBER: { status: 403, message: '仅限本企业成员登录' },
  /** WeCom web sign-in: a member no active staff row is bound to (staff.wecom_user_id). */
  WECOM_USER_NOT_STAFF: { status: 403, message: '你的企业微信账号未绑定员工，请联系管理员' },
  /** WeCom web sign-in: WeCom unreachable, the app's credentials refused, or the redirect domain not trusted (50001). */
  WECOM_SIGN_IN_UNAVAILABLE: { status: 503, retryable: true, message: '企业微信登录暂时不可用，请稍后再试' },
  /** The OAuth2 `state` does not match the browser's (a stale tab or a forged link). */
  WECOM_SIGN_IN_STALE: { status: 400, message: '登录已失效，请从工作台重新打开' },
} as const;
