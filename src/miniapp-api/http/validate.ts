import type { z } from 'zod';
import { DomainError } from '../../domain/shared/domain-error.js';

/** Parses input with a schema; a violation becomes 422 VALIDATION_FAILED listing each field. */
export function validate<S extends z.ZodType>(schema: S, input: unknown): z.infer<S> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const fields = result.error.issues.map((i) => ({ field: i.path.join('.') || '(body)', message: i.message }));
  throw new DomainError('VALIDATION_FAILED', `请求参数不合法: ${fields.map((f) => f.field).join(', ')}`, { fields });
}
