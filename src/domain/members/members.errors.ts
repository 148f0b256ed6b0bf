export const MEMBERS_ERRORS = {
  /** A member id given on creation is already used. */
  MEMBER_ID_TAKEN: { status: 409, message: '会员编号已存在' },
} as const;
