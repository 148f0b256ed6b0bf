export const STAFF_ERRORS = {
  STAFF_NOT_FOUND: { status: 404 },
  STAFF_WECOM_USER_EXISTS: { status: 409 },
  /** A mobile belongs to one active staff member; details name who has it. */
  STAFF_MOBILE_TAKEN: { status: 409, message: '该手机号已属于其他在职员工' },
  /** Deactivating oneself would lock the caller out. */
  STAFF_SELF_DEACTIVATION: { status: 409, message: '不能停用自己' },
} as const;
