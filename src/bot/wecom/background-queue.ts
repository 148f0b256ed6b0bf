import type { Logger } from '../../logging/logger.js';

/**
 * Work accepted by a door and done after the answer was sent: at most `concurrency` at once, at most
 * `capacity` waiting (a full queue is reported so the door can answer 503 and WeCom retries later).
 */
export type BackgroundQueue = {
  /** False when the queue is full (the task was not accepted). */
  push(task: () => Promise<void>): boolean;
  hasRoom(): boolean;
  /** Resolves once everything accepted so far has run (used at shutdown and by tests). */
  drain(): Promise<void>;
  readonly size: number;
};

export function createBackgroundQueue(options: { concurrency: number; capacity: number; log: Logger }): BackgroundQueue {
  const waiting: Array<() => Promise<void>> = [];
  let running = 0;
  let idle: Array<() => void> = [];

  const pump = () => {
    while (running < options.concurrency && waiting.length > 0) {
      const task = waiting.shift()!;
      running++;
      task()
        .catch((err: unknown) => options.log.error({ err }, 'background task failed'))
        .finally(() => {
          running--;
          if (running === 0 && waiting.length === 0) {
            const resolve = idle;
            idle = [];
            for (const r of resolve) r();
          }
          pump();
        });
    }
  };

  return {
    push(task) {
      if (waiting.length >= options.capacity) return false;
      waiting.push(task);
      setImmediate(pump);
      return true;
    },
    hasRoom: () => waiting.length < options.capacity,
    drain() {
      if (running === 0 && waiting.length === 0) return Promise.resolve();
      return new Promise((resolve) => idle.push(resolve));
    },
    get size() {
      return running + waiting.length;
    },
  };
}
