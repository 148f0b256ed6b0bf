export const COMPLIANCE_ERRORS = {
  /** A grant for a number and channel that is blacklisted: a blacklisting is never lifted by a grant. */
  CONSENT_BLACKLISTED_CONFLICT: { status: 409 },
} as const;
