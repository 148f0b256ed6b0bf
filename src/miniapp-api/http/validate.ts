import type { z } from 'zod';
import { DomainError } from '../../domain/shared/domain-error.js';
import { check, type FieldIssue } from '../../domain/shared/validation.js';

/** The 422 for a request that breaks its schema: every bad field at once, in Chinese. */
export function validationFailed(fields: FieldIssue[]): DomainError {
  return new DomainError('VALIDATION_FAILED', `请求参数不合法: ${[...new Set(fields.map((f) => f.field))].join(', ')}`, { fields });
}

/** Parses input with a schema; a violation becomes 422 VALIDATION_FAILED listing each field. */
export function validate<S extends z.ZodType>(schema: S, input: unknown): z.output<S> {
  const result = check(schema, input);
  if (result.ok) return result.data;
  throw validationFailed(result.issues);
}
