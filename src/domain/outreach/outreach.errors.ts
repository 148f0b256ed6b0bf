export const OUTREACH_ERRORS = {
  TEMPLATE_NOT_FOUND: { status: 404 },
  TEMPLATE_CODE_EXISTS: { status: 409 },
  /** A marketing send needs a template the carrier approved (a vendor template id). */
  TEMPLATE_NOT_APPROVED: { status: 400 },
  INVALID_TEMPLATE_CONTENT: { status: 422 },
  INVALID_TEMPLATE_PARAMS: { status: 422 },
  /** The parameters given do not fill the template's placeholders. */
  TEMPLATE_PARAMS_MISMATCH: { status: 422 },
  /** `message` differs from the rendered template (carriers in China send approved templates only). */
  CONTENT_NOT_TEMPLATE: { status: 422 },
  SMS_BATCH_NOT_FOUND: { status: 404 },
  /** The filter matched no customer with a mobile number. */
  BATCH_AUDIENCE_EMPTY: { status: 400 },
  RECIPIENT_OPTED_OUT: { status: 409 },
  RECIPIENT_BLACKLISTED: { status: 409 },
  RECIPIENT_NO_CONSENT: { status: 409 },
  FREQUENCY_CAP_EXCEEDED: { status: 409 },
  EVENT_NOT_FOUND: { status: 404 },
  EVENT_PAST_CONFLICT: { status: 409 },
  INVITATION_NOT_FOUND: { status: 404 },
  /** One open invitation per customer and event. */
  INVITATION_EXISTS: { status: 409 },
  /** An audience invitation matched no customer (details.filter). */
  INVITATION_AUDIENCE_EMPTY: { status: 422 },
  /** An audience invitation matched more customers than one submission takes (details.max); a campaign takes any size. */
  INVITATION_AUDIENCE_TOO_LARGE: { status: 422 },
  INVITATION_NOT_PENDING_CONFLICT: { status: 409 },
  INVITATION_CLOSED_CONFLICT: { status: 409 },
} as const;
