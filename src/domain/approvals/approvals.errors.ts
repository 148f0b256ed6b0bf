/** Error codes of the approvals module and their meaning at every door. */
export const APPROVALS_ERRORS = {
  /** Someone decided first (details: kind, id, status, decidedBy {staffId, name}, decidedAt). */
  APPROVAL_ALREADY_DECIDED: { status: 409 },
  /** The subject exists but is not waiting for a decision (e.g. a draft). */
  APPROVAL_NOT_PENDING: { status: 409 },
  APPROVAL_NOT_FOUND: { status: 404 },
  APPROVAL_KIND_NOT_FOUND: { status: 404 },
  APPROVAL_AMBIGUOUS: { status: 409 },
  APPROVAL_SELF_FORBIDDEN: { status: 403 },
  APPROVAL_REASON_REQUIRED: { status: 422 },
} as const;
