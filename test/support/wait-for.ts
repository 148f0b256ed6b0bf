/** What a probe answers once it answers at all (`false`, `0`, `''`, `null` and `undefined` mean "not yet"). */
export type Truthy<T> = Exclude<T, null | undefined | false | 0 | ''>;

/** How long a test lets a client reach a local fake (event socket `ready()`): a deadline, never a budget. */
export const READY_MS = 60_000;

/**
 * The one way a test waits: for a condition to become true (a row written, an event received, a
 * connection made) — never for a fixed time. The deadline only turns a hang into a readable failure; it
 * is generous (the suite runs on a loaded 2-core machine) and never decides a passing result.
 */
export async function waitFor<T>(probe: () => T | Promise<T>, what = 'condition', timeoutMs = 60_000): Promise<Truthy<T>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value as Truthy<T>;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** Resolves with the first value `subscribe` hands to its callback (an event), or fails after the deadline. */
export function nextOf<T>(subscribe: (deliver: (value: T) => void) => void, what: string, timeoutMs = 60_000): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`timed out after ${timeoutMs} ms waiting for ${what}`)), timeoutMs);
    subscribe((value) => {
      clearTimeout(timer);
      resolve(value);
    });
  });
}

/**
 * A door a test holds shut: code under test awaits `passed` (a fake's answer, a job's work) and goes
 * on only when the test calls `open()`, so "still in flight" is a state the test controls, not a race.
 */
export function gate(): { passed: Promise<void>; open(): void } {
  let open!: () => void;
  const passed = new Promise<void>((resolve) => (open = resolve));
  return { passed, open };
}
