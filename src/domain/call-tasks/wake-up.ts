/** Waiters woken all at once by an event, each also after its own timeout (the dialler's "look again"). */
export class WakeUp {
  #waiters: Array<() => void> = [];

  /** Resolves at the next `wakeAll()` or after `ms`, whichever comes first. */
  wait(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        resolve();
      }
      this.#waiters.push(done);
    });
  }

  /** Wakes every waiter now. */
  wakeAll(): void {
    const waiters = this.#waiters;
    this.#waiters = [];
    for (const wake of waiters) wake();
  }
}
