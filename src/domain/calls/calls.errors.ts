export const CALLS_ERRORS = {
  CALL_NOT_FOUND: { status: 404 },
  RECORDING_NOT_FOUND: { status: 404 },
  /** A recording link that was tampered with or has expired. */
  RECORDING_LINK_FORBIDDEN: { status: 403 },
} as const;
