/** Hands work to the background job runner (Agenda). Domain services enqueue; job definitions run. */
export interface JobQueue {
  /**
   * Queues one run of job `name` with `data`, now or at `runAt`. With `uniqueKey`, a second enqueue with
   * the same key does not add another run (returns the existing id). Resolves with the job id.
   */
  enqueue(name: string, data: Record<string, unknown>, options?: { runAt?: Date; priority?: number; uniqueKey?: string }): Promise<string>;
  /** Cancels queued runs of `name` whose data matches `match`; returns how many were removed. */
  cancel(name: string, match: Record<string, unknown>): Promise<number>;
  /** Whether a run of `name` whose data matches `match` is queued, scheduled or running (top-level scalar fields). */
  isPending(name: string, match: Record<string, unknown>): Promise<boolean>;
}
