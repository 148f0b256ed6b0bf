export const STAFF_ERRORS = {
  STAFF_NOT_FOUND: { status: 404 },
  STAFF_WECOM_USER_EXISTS: { status: 409 },
} as const;
