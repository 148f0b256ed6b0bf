/** What changed: `progress` is running work's bars alone (ProgressPulse); the rest call for a whole snapshot. */
export type BoardTopic = 'approvals' | 'calls' | 'staff' | 'progress';

/**
 * "Something the live board shows has changed and is committed": an approval submitted or decided, a call
 * recorded (today's figures), a staff status set, running work moved on (progress). Every open board stream
 * reads what changed again at once.
 * In-process, like LiveCalls; carries no data, so a relay between processes could forward it as is.
 */
export class BoardPulse {
  readonly #listeners = new Set<(topic: BoardTopic) => void>();

  changed(topic: BoardTopic): void {
    for (const listener of this.#listeners) {
      try {
        listener(topic);
      } catch {
        /* a listener's failure is its own */
      }
    }
  }

  subscribe(listener: (topic: BoardTopic) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }
}
