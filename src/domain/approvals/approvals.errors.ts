export const APPROVALS_ERRORS = {
  APPROVAL_NOT_FOUND: { status: 404 },
  APPROVAL_KIND_NOT_FOUND: { status: 404 },
  /** An id matches items of several kinds: name the kind (`campaign:<id>`). */
  APPROVAL_AMBIGUOUS: { status: 400 },
  APPROVAL_FORBIDDEN: { status: 403 },
  APPROVAL_SELF_FORBIDDEN: { status: 403 },
  APPROVAL_REASON_REQUIRED: { status: 400 },
  CAMPAIGN_NOT_FOUND: { status: 404 },
  CAMPAIGN_NOT_PENDING_CONFLICT: { status: 409 },
} as const;
