import { exponential, type BackoffStrategy } from 'agenda';
import { classifyError } from '../domain/errors/classify.js';

/** An error that retrying cannot fix: the job is marked failed at once. */
export class PermanentJobError extends Error {
  readonly permanent = true;
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'PermanentJobError';
  }
}

/**
 * Whether a failure is permanent. A coded error is permanent unless the error registry marks its code
 * retryable (a business outcome — not found, not allowed, invalid — is the same next time; a service
 * that was unavailable or a race the database caught may not be); bad job data fails validation the
 * same way every time; anything else — a timeout, a dropped connection, a carrier hiccup — is worth
 * another try.
 */
export function isPermanent(error: unknown): boolean {
  if (error instanceof PermanentJobError) return true;
  const known = classifyError(error);
  if (known) return !known.spec.retryable;
  return error instanceof Error && error.name === 'ZodError';
}

/** Retries after the first failure under DEFAULT_BACKOFF: a run whose job has failed this often is the last try. */
export const DEFAULT_RETRIES = 5;

/** Whether this run is the job's last under DEFAULT_BACKOFF (every retry used): it must end the work, not throw again. */
export function isLastTry(job: { attrs: { failCount?: number | null } }): boolean {
  return (job.attrs.failCount ?? 0) >= DEFAULT_RETRIES;
}

/** Default retry: 5 tries after the first failure, 10 s doubling to at most 10 min, ±20 % jitter. */
export const DEFAULT_BACKOFF = exponential({ delay: 10_000, factor: 2, maxDelay: 600_000, maxRetries: DEFAULT_RETRIES, jitter: 0.2 });

/** Wraps a backoff so permanent errors stop retrying (Agenda reads null as "give up"). */
export function retryUnlessPermanent(backoff: BackoffStrategy): BackoffStrategy {
  return (context) => (isPermanent(context.error) ? null : backoff(context));
}
