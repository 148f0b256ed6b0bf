import { ForeignKeyConstraintViolationException, UniqueConstraintViolationException } from '@mikro-orm/core';
import { DomainError } from '../shared/domain-error.js';
import type { ErrorSpec } from './error-spec.js';
import { errorSpec, isErrorCode, type ErrorCode } from './registry.js';

export type ClassifiedError = { code: ErrorCode; spec: ErrorSpec; message: string; details?: unknown };

/**
 * What a failure means, for every door alike: a DomainError by its code; a unique or foreign-key
 * violation (a race our read-then-write check could not see) as CONFLICT / REFERENCE_NOT_FOUND.
 * Anything else (a bug, a lost connection) is unclassified: undefined.
 */
export function classifyError(err: unknown): ClassifiedError | undefined {
  if (err instanceof DomainError && isErrorCode(err.code)) {
    return { code: err.code, spec: errorSpec(err.code), message: err.message, details: err.details };
  }
  const code: ErrorCode | undefined =
    err instanceof UniqueConstraintViolationException ? 'CONFLICT' : err instanceof ForeignKeyConstraintViolationException ? 'REFERENCE_NOT_FOUND' : undefined;
  if (!code) return undefined;
  const spec = errorSpec(code);
  return { code, spec, message: spec.message ?? code };
}

/** The chat reply for a classified failure: the code's chat text when it has one, else the message. */
export function chatReply(error: ClassifiedError): string {
  return error.spec.chat ?? error.message;
}
