export const CALLS_ERRORS = {
  CALL_NOT_FOUND: { status: 404 },
  RECORDING_NOT_FOUND: { status: 404 },
  /** A recording link that was tampered with or has expired. */
  RECORDING_LINK_FORBIDDEN: { status: 403 },
  /** The recording file exists but this process may not read it (recordings folder permissions; see README, Telephony). */
  RECORDING_UNREADABLE: { status: 503, message: '录音文件暂时无法读取，请联系管理员检查录音目录权限' },
} as const;
