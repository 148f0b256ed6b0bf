export const ROUTING_ERRORS = {
  ROUTING_RULE_NOT_FOUND: { status: 404 },
  INVALID_ROUTING_RULE: { status: 422 },
} as const;
