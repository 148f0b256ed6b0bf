/** Codes only the HTTP door answers (the request never reached a domain service). */
export const HTTP_ERRORS = {
  INVALID_JSON: { status: 400, message: '请求体不是合法的 JSON' },
  PAYLOAD_TOO_LARGE: { status: 413, message: '请求体过大' },
  /** A multipart/form-data body sent to a route that takes JSON (only file uploads take multipart). */
  UNSUPPORTED_MEDIA_TYPE: { status: 415, message: '该接口不接受此请求体格式' },
  ROUTE_NOT_FOUND: { status: 404, message: '接口不存在' },
  METHOD_NOT_ALLOWED: { status: 405, message: '不支持的请求方法' },
  /** A carrier callback whose path token is wrong, or callbacks are off (TENCENT_SMS_CALLBACK_TOKEN unset). */
  CALLBACK_FORBIDDEN: { status: 403, message: '回调地址无效' },
  /** A door configuration switched off (mini-program, WeCom callback, SMS callbacks); details name the settings that enable it. */
  DOOR_DISABLED: { status: 503, message: '该入口未启用' },
  /** The live board's page was not built (dist/board missing): npm run build:board. */
  BOARD_NOT_BUILT: { status: 503, message: '实时看板页面尚未构建' },
} as const;
