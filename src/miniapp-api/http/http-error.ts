import { classifyError } from '../../domain/errors/classify.js';
import { errorSpec, type ErrorCode } from '../../domain/errors/registry.js';

/** An error that only exists at the HTTP door (bad JSON, body too large, a wrong callback token). */
export class HttpError extends Error {
  readonly code: ErrorCode;
  readonly details: unknown;
  constructor(code: ErrorCode, message?: string, details?: unknown) {
    super(message ?? errorSpec(code).message ?? code);
    this.name = 'HttpError';
    this.code = code;
    this.details = details;
  }

  /** From the error registry (src/domain/errors): one table for every door. */
  get status(): number {
    return errorSpec(this.code).status;
  }
}

/** The one place a failure becomes an HTTP answer: the code's status comes from the error registry. */
export function toHttpError(err: unknown): HttpError | undefined {
  if (err instanceof HttpError) return err;
  const known = classifyError(err);
  return known && new HttpError(known.code, known.message, known.details);
}
