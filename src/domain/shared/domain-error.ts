/**
 * A failure the caller can act on. `code` is stable (clients and chat replies switch on it);
 * each door maps it once to an HTTP status, a chat reply or a job retry decision.
 */
export class DomainError extends Error {
  readonly code: string;
  readonly details: unknown;
  constructor(code: string, message: string, details?: unknown) {
    super(message);
    this.name = 'DomainError';
    this.code = code;
    this.details = details;
  }
}

/** The stable codes of the platform; capabilities add their own next to their services. */
export const ErrorCode = {
  NotFound: 'NOT_FOUND',
  ValidationFailed: 'VALIDATION_FAILED',
  Conflict: 'CONFLICT',
  Unauthenticated: 'UNAUTHENTICATED',
  Forbidden: 'FORBIDDEN',
} as const;

export function notFound(what: string, id: string | number): DomainError {
  return new DomainError(`${what.toUpperCase()}_NOT_FOUND`, `${what} ${id} 不存在`, { id });
}
