export const TODOS_ERRORS = {
  TODO_NOT_FOUND: { status: 404 },
  TODO_FORBIDDEN: { status: 403 },
  TODO_ALREADY_CLOSED_CONFLICT: { status: 409 },
} as const;
