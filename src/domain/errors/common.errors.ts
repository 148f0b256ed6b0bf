/** Codes every door and module uses: authentication, permissions, validation, races the database caught. */
export const COMMON_ERRORS = {
  VALIDATION_FAILED: { status: 422, message: '请求参数不合法' },
  UNAUTHENTICATED: { status: 401, message: '需要登录' },
  TOKEN_EXPIRED: { status: 401, message: '登录已过期，请重新登录' },
  FORBIDDEN: { status: 403, message: '没有权限' },
  /** A concurrent request won a race the database caught (unique key). */
  CONFLICT: { status: 409, retryable: true, message: '数据已存在（并发提交），请刷新后重试' },
  /** A foreign key points at nothing. */
  REFERENCE_NOT_FOUND: { status: 422, message: '引用的记录不存在' },
  INVALID_PHONE_NUMBER: { status: 422, message: '不是有效的中国大陆手机号' },
  INTERNAL_ERROR: { status: 500, retryable: true, message: '服务器内部错误，请稍后重试' },
} as const;
