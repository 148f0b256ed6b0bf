import { ForeignKeyConstraintViolationException, UniqueConstraintViolationException } from '@mikro-orm/core';
import { DomainError } from '../../domain/shared/domain-error.js';

/** An error that only exists at the HTTP door (bad JSON, body too large, unknown route). */
export class HttpError extends Error {
  readonly status: number;
  readonly code: string;
  readonly details: unknown;
  constructor(status: number, code: string, message: string, details?: unknown) {
    super(message);
    this.name = 'HttpError';
    this.status = status;
    this.code = code;
    this.details = details;
  }
}

/** Domain codes whose HTTP status is not given by their suffix. Capabilities add theirs here. */
const STATUS_BY_CODE: Record<string, number> = {
  UNAUTHENTICATED: 401,
  TOKEN_EXPIRED: 401,
  FORBIDDEN: 403,
  VALIDATION_FAILED: 422,
  CONFLICT: 409,
  // Compliance refusals of a send: the recipient's state forbids it now.
  RECIPIENT_OPTED_OUT: 409,
  RECIPIENT_BLACKLISTED: 409,
  RECIPIENT_NO_CONSENT: 409,
  FREQUENCY_CAP_EXCEEDED: 409,
  // Mini-program login (chat-ops): WeChat down or throttling; a customer session not yet bound.
  WECHAT_UNAVAILABLE: 503,
  WECHAT_RATE_LIMITED: 429,
  MINIAPP_CUSTOMER_NOT_BOUND: 403,
  // Approvals (src/domain/approvals/approvals.errors.ts) until the typed registry reads that file.
  APPROVAL_ALREADY_DECIDED: 409,
  APPROVAL_NOT_PENDING: 409,
  APPROVAL_AMBIGUOUS: 409,
  APPROVAL_REASON_REQUIRED: 422,
};

/** The one place a domain error code becomes an HTTP status. */
export function statusForCode(code: string): number {
  const exact = STATUS_BY_CODE[code];
  if (exact) return exact;
  if (code.endsWith('_NOT_FOUND')) return 404;
  if (code.endsWith('_CONFLICT') || code.startsWith('ALREADY_') || code.endsWith('_EXISTS')) return 409;
  if (code.startsWith('INVALID_')) return 422;
  if (code.endsWith('_FORBIDDEN')) return 403;
  return 400;
}

export function toHttpError(err: unknown): HttpError | undefined {
  if (err instanceof HttpError) return err;
  if (err instanceof DomainError) return new HttpError(statusForCode(err.code), err.code, err.message, err.details);
  // A concurrent request won the race our read-then-write check could not see: the database said no.
  if (err instanceof UniqueConstraintViolationException) return new HttpError(409, 'CONFLICT', '数据已存在（并发提交），请刷新后重试');
  if (err instanceof ForeignKeyConstraintViolationException) return new HttpError(422, 'REFERENCE_NOT_FOUND', '引用的记录不存在');
  return undefined;
}
