/** Error codes of segment campaigns (CAMPAIGN_NOT_FOUND belongs to approvals, which decided campaigns first). */
export const CAMPAIGNS_ERRORS = {
  /** CAMPAIGN_SMS_TEMPLATE is not a marketing template. */
  CAMPAIGN_TEMPLATE_INVALID: { status: 422 },
  /** The estimated cost exceeds the budget given (details: estimatedCostFen, budgetFen). */
  CAMPAIGN_OVER_BUDGET: { status: 422 },
  /** The channel mix does not fit the campaign (invitation without a gift type or an upcoming event…); details.fields lists each problem. */
  CAMPAIGN_CHANNELS_INVALID: { status: 422 },
  /** An offer link that is malformed, tampered with, or of no sent member. */
  OFFER_NOT_FOUND: { status: 404 },
} as const;
