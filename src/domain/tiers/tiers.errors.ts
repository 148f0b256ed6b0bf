/** Error codes of membership tiers and upgrades. */
export const TIERS_ERRORS = {
  MEMBER_NOT_FOUND: { status: 404 },
  /** The member meets no higher tier's rule now (details: the evaluation with what is missing). */
  UPGRADE_NOT_ELIGIBLE: { status: 409 },
} as const;
