/**
 * Group commit for the job store's writes: a write that arrives while the previous one is on its way to
 * the database waits for it and then goes out together with every other write that arrived meanwhile, as
 * one statement and one commit. On a quiet queue a write goes out at once, alone (nothing waits for
 * company); on a busy one N jobs' writes cost one round trip and one redo-log flush instead of N.
 * Each caller's promise settles when the statement that carried its write has committed, so a caller
 * never goes on (Agenda runs a handler, reports a job complete) before its write is durable.
 */
export class GroupCommit<T> {
  readonly #pending: Array<{ item: T; resolve: () => void; reject: (err: unknown) => void }> = [];
  #flushing = false;

  /**
   * `write` sends one batch (at most `maxBatch` items) and answers, per item in order, the error that
   * item alone should see (a job that no longer exists), or undefined.
   */
  constructor(
    private readonly write: (items: T[]) => Promise<Array<Error | undefined>>,
    private readonly maxBatch = 100,
  ) {}

  /** Resolves once the write carrying `item` has committed; rejects with its error. */
  add(item: T): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.#pending.push({ item, resolve, reject });
      if (!this.#flushing) void this.#flush();
    });
  }

  async #flush(): Promise<void> {
    this.#flushing = true;
    try {
      while (this.#pending.length > 0) {
        const batch = this.#pending.splice(0, this.maxBatch);
        try {
          const errors = await this.write(batch.map((p) => p.item));
          batch.forEach((p, i) => (errors[i] ? p.reject(errors[i]) : p.resolve()));
        } catch (err) {
          for (const p of batch) p.reject(err);
        }
      }
    } finally {
      this.#flushing = false;
    }
  }
}
