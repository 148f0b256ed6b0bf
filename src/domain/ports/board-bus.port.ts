import type { LiveCall } from '../calls/live-calls.js';

/** What the live board reads again after a committed change (see BoardPulse): `progress` is running work's bars alone, the rest a whole snapshot. */
export type BoardTopic = 'approvals' | 'calls' | 'staff' | 'progress';

/** One change the live board shows: a call rang, was answered or ended; or committed data changed. */
export type BoardEvent = { kind: 'call'; call: LiveCall; ended: boolean } | { kind: 'pulse'; topic: BoardTopic };

/**
 * How board events reach every board: within this process only (one process, the default) or through
 * Redis pub/sub (REDIS_URL: every process's board hears every process's calls). `publish` delivers to
 * this process's listeners at once, whatever the transport; `start` opens the transport, `stop` closes it.
 */
export interface BoardBus {
  publish(event: BoardEvent): void;
  subscribe(listener: (event: BoardEvent) => void): () => void;
  start(): Promise<void>;
  stop(): Promise<void>;
}

/** Delivers to this process's listeners; a listener's failure is its own. */
export class BoardListeners {
  readonly #listeners = new Set<(event: BoardEvent) => void>();

  deliver(event: BoardEvent): void {
    for (const listener of this.#listeners) {
      try {
        listener(event);
      } catch {
        /* a listener's failure is its own */
      }
    }
  }

  add(listener: (event: BoardEvent) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }
}

/** The board bus of a single process: nothing to open, nothing to close. */
export function inProcessBoardBus(): BoardBus {
  const listeners = new BoardListeners();
  return {
    publish: (event) => listeners.deliver(event),
    subscribe: (listener) => listeners.add(listener),
    start: async () => undefined,
    stop: async () => undefined,
  };
}
