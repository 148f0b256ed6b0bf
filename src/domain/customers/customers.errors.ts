export const CUSTOMERS_ERRORS = {
  CUSTOMER_NOT_FOUND: { status: 404 },
  /** The customer has no number to record an opt-out or a reply against. */
  CUSTOMER_PHONE_MISSING_CONFLICT: { status: 409 },
} as const;
