export const CUSTOMERS_ERRORS = {
  CUSTOMER_NOT_FOUND: { status: 404 },
  /** The customer has no number to record an opt-out or a reply against. */
  CUSTOMER_PHONE_MISSING_CONFLICT: { status: 409 },
  /** A mainland mobile belongs to one customer; details name the customer who has it. */
  CUSTOMER_MOBILE_TAKEN: { status: 409, message: '该手机号已属于其他客户' },
  /** A customer id given on creation is already used. */
  CUSTOMER_ID_TAKEN: { status: 409, message: '客户编号已存在' },
  CONTACT_NOT_FOUND: { status: 404, message: '联系人不存在' },
} as const;
