/** Error codes of the approvals module and their meaning at every door. */
export const APPROVALS_ERRORS = {
  /** Someone decided first (details: kind, id, status, decidedBy {staffId, name}, decidedAt). */
  APPROVAL_ALREADY_DECIDED: { status: 409 },
  /** The subject exists but is not waiting for a decision (e.g. a draft). */
  APPROVAL_NOT_PENDING: { status: 409 },
  APPROVAL_NOT_FOUND: { status: 404 },
  APPROVAL_KIND_NOT_FOUND: { status: 404 },
  /** An id matches items of several kinds: name the kind (`campaign:<id>`). */
  APPROVAL_AMBIGUOUS: { status: 400 },
  APPROVAL_SELF_FORBIDDEN: { status: 403 },
  APPROVAL_REASON_REQUIRED: { status: 422 },
  CAMPAIGN_NOT_FOUND: { status: 404 },
  CAMPAIGN_NOT_PENDING_CONFLICT: { status: 409 },
} as const;
