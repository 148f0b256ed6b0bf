import type { Clock } from '../../../src/domain/ports/clock.port.js';
import type { JobQueue } from '../../../src/domain/ports/job-queue.port.js';

/**
 * A clock that runs with real time from a chosen instant and that a test moves forward (ten minutes without
 * a working line, a retry half an hour later, the next calling window) without waiting for it.
 */
export class MovableClock implements Clock {
  #offset: number;
  constructor(start: Date) {
    this.#offset = start.getTime() - Date.now();
  }
  now(): Date {
    return new Date(Date.now() + this.#offset);
  }
  advance(ms: number): void {
    this.#offset += ms;
  }
  /** Jumps to `at` (forward only: the calls already recorded must stay in the past). */
  set(at: Date): void {
    this.#offset = Math.max(this.#offset, at.getTime() - Date.now());
  }
}

/** Tomorrow (UTC) at `hh:mm` Beijing time: always ahead of the real clock, whatever hour the suite runs. */
export function beijingTomorrow(hhmm: string): Date {
  const [h, m] = hhmm.split(':').map(Number) as [number, number];
  const d = new Date();
  return new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate() + 1, h - 8, m, 0));
}

/** The dialler's job queue in a test: what it queues is recorded (the test runs the dialler itself). */
export function recordingQueue(): JobQueue & { queued: Array<{ name: string; data: Record<string, unknown>; runAt: Date | undefined }> } {
  const queued: Array<{ name: string; data: Record<string, unknown>; runAt: Date | undefined }> = [];
  return {
    queued,
    enqueue: async (name, data, options) => (queued.push({ name, data, runAt: options?.runAt }), String(queued.length)),
    cancel: async () => 0,
    isPending: async () => false,
  };
}
