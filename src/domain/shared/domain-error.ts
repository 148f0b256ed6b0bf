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

