import type { BoardPulse } from './board-pulse.js';

/** Running work the live board shows with a progress bar. */
export type ProgressItem = 'sms-batch' | 'call-task' | 'import';

type Item = { at: number; trailing: ReturnType<typeof setTimeout> | undefined };

/**
 * "Running work moved on": an SMS batch sent a chunk, a call task settled a number, an import stored a batch
 * (or one of them started or ended). Each item pulses the board at most once per `intervalMs`; progress made
 * inside that interval is pulsed when it ends, so the bars are never more than an interval behind and a fast
 * batch does not have every open board re-read a hundred times a second.
 */
export class ProgressPulse {
  readonly #items = new Map<string, Item>();

  constructor(
    private readonly pulse: BoardPulse,
    private readonly intervalMs = 1000,
  ) {}

  progressed(item: ProgressItem, id: number): void {
    const key = `${item}:${id}`;
    const now = Date.now();
    const seen = this.#items.get(key);
    if (seen?.trailing) return;
    if (!seen || now - seen.at >= this.intervalMs) {
      this.#forget(now);
      this.#items.set(key, { at: now, trailing: undefined });
      this.pulse.changed('progress');
      return;
    }
    seen.trailing = setTimeout(() => {
      seen.at = Date.now();
      seen.trailing = undefined;
      this.pulse.changed('progress');
    }, seen.at + this.intervalMs - now);
    seen.trailing.unref();
  }

  /** Items quiet for a whole interval need no memory (the next progress of one pulses at once). */
  #forget(now: number): void {
    for (const [key, item] of this.#items) if (!item.trailing && now - item.at >= this.intervalMs) this.#items.delete(key);
  }
}
