export const EVENTS_ERRORS = {
  /** An event id given on creation is already used. */
  EVENT_ID_TAKEN: { status: 409, message: '活动编号已存在' },
  /** Invitations point at the event: it can be changed, not deleted. */
  EVENT_IN_USE: { status: 409, message: '活动已有邀约，不能删除' },
} as const;
