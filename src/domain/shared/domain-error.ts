import type { ErrorCode } from '../errors/registry.js';

/**
 * A failure the caller can act on. `code` is stable (clients and chat replies switch on it) and must be
 * declared in a module's `<module>.errors.ts` (see src/domain/errors/modules.ts); each door maps it
 * through that one registry to an HTTP status, a chat reply or a job retry decision.
 */
export class DomainError extends Error {
  readonly code: ErrorCode;
  readonly details: unknown;
  constructor(code: ErrorCode, message: string, details?: unknown) {
    super(message);
    this.name = 'DomainError';
    this.code = code;
    this.details = details;
  }
}
