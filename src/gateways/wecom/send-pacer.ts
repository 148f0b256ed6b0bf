/**
 * Keeps sends to one WeCom member under a per-minute budget. WeCom silently drops an app's 31st message
 * to one member within a minute, so excess sends wait for a slot instead of being lost. Sends to
 * different members never wait for each other.
 */
export type SendPacer = {
  /** Resolves when a send to `member` may go out (at once when the member's last minute has room). */
  acquire(member: string): Promise<void>;
  /** Members with sends still waiting (for shutdown diagnostics). */
  waiting(): number;
};

export type PacerClock = { now(): number; sleep(ms: number): Promise<void> };

const realClock: PacerClock = { now: () => Date.now(), sleep: (ms) => new Promise((r) => setTimeout(r, ms)) };

export function createSendPacer(perMinute: number, clock: PacerClock = realClock, windowMs = 60_000): SendPacer {
  const sent = new Map<string, number[]>();
  const queues = new Map<string, Promise<void>>();
  let waitingCount = 0;

  const take = async (member: string) => {
    for (;;) {
      const now = clock.now();
      const times = (sent.get(member) ?? []).filter((t) => t > now - windowMs);
      if (times.length < perMinute) {
        times.push(now);
        sent.set(member, times);
        return;
      }
      sent.set(member, times);
      await clock.sleep(times[0]! + windowMs - now + 1);
    }
  };

  return {
    acquire(member) {
      // One chain per member keeps its sends in order; the chain is dropped once it drains.
      const previous = queues.get(member) ?? Promise.resolve();
      waitingCount++;
      const next = previous.then(() => take(member)).finally(() => {
        waitingCount--;
        if (queues.get(member) === next) queues.delete(member);
      });
      queues.set(member, next);
      if (sent.size > 10_000) for (const [m, t] of sent) if (!t.some((x) => x > clock.now() - windowMs)) sent.delete(m);
      return next;
    },
    waiting: () => waitingCount,
  };
}
