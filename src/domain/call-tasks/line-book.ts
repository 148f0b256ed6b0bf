import { WakeUp } from './wake-up.js';

/** How long an ended call's id is remembered: its row is settled well within it (device-lines.ts counts the rows). */
export const ENDED_REMEMBER_MS = 60_000;

/**
 * The calls in flight per gateway device in this process, and each device's originate pace (calls per
 * second). Every dialler of the process shares one book, so two tasks on one device never exceed its lines
 * here, without a query; other processes' calls on the device are counted by the claim (device-lines.ts).
 */
export class LineBook {
  private readonly inFlight = new Map<number, Set<string>>();
  private readonly deviceOf = new Map<string, number>();
  private readonly nextSlotAt = new Map<number, number>();
  private readonly failingUntil = new Map<number, number>();
  private readonly fullUntil = new Map<number, number>();
  /** The most calls ever in flight per device (the benchmark prints it). */
  readonly peak = new Map<number, number>();
  private readonly waiters = new WakeUp();
  private readonly freeListeners = new Set<() => void>();
  /** Per device, its originate handed to the switch and not acknowledged yet. */
  private readonly inTransit = new Map<number, Promise<void>>();
  /** Per device, when the switch acknowledged its last originate (ms, performance.now()). */
  private readonly acknowledgedAt = new Map<number, number>();
  /** The dialler run of each task in this process (one at a time; a second run waits for the first). */
  readonly runs = new Map<number, Promise<unknown>>();
  /**
   * Calls that ended (their hangup heard, in whichever process placed them) or whose line this book let go,
   * whose `calls` row may not be ended yet (the hangup frees the line before the call is settled): the claim's
   * count leaves them out (device-lines.ts) until ENDED_REMEMBER_MS has passed (ms, performance.now()).
   */
  private readonly endedCalls = new Map<string, { deviceId: number | null; until: number; heard: boolean }>();

  constructor(private readonly cps: number) {}

  busy(deviceId: number): number {
    return this.inFlight.get(deviceId)?.size ?? 0;
  }

  /** The call ids holding lines of the device here. */
  held(deviceId: number): string[] {
    return [...(this.inFlight.get(deviceId) ?? [])];
  }

  /**
   * Takes a free line of the device for this call, synchronously (no await between the check and the
   * take, so two diallers of the process never both take the last line); false when all are busy.
   */
  tryTake(deviceId: number, lineCount: number, callId: string): boolean {
    if (this.holds(callId)) return true;
    if (this.busy(deviceId) >= lineCount) return false;
    this.take(deviceId, callId);
    return true;
  }

  /** A line of the device is taken by this call (a call the switch says is alive, found after a restart). */
  take(deviceId: number, callId: string): void {
    const set = this.inFlight.get(deviceId) ?? new Set<string>();
    set.add(callId);
    this.inFlight.set(deviceId, set);
    this.deviceOf.set(callId, deviceId);
    this.peak.set(deviceId, Math.max(this.peak.get(deviceId) ?? 0, set.size));
  }

  holds(callId: string): boolean {
    return this.deviceOf.has(callId);
  }

  /**
   * A task call's hangup, heard by every process, whichever placed it: its line is free (here when this book
   * holds it) and its row is not counted while it is being settled; a device marked full with other
   * processes' calls (`fullElsewhere`) is tried again at once, not after the mark's time.
   */
  ended(callId: string, deviceId: number | null): void {
    this.remember(callId, deviceId, true);
    if (this.holds(callId)) {
      this.release(callId);
      return;
    }
    if (deviceId === null || !this.fullUntil.delete(deviceId)) return;
    this.wake();
  }

  /** Calls of the device (or of no known device) that ended or were let go and may not be settled yet. */
  endedOn(deviceId: number): string[] {
    const now = performance.now();
    const out: string[] = [];
    for (const [callId, e] of this.endedCalls) {
      if (e.until <= now) this.endedCalls.delete(callId);
      else if (e.deviceId === null || e.deviceId === deviceId) out.push(callId);
    }
    return out;
  }

  /**
   * The call's hangup reached this process within ENDED_REMEMBER_MS: its channel is gone, whatever its rows
   * still say while its settle is under way (a slow commit) — a new run must neither take it for a dead
   * dialler's call nor hold a line for it.
   */
  heardEnd(callId: string): boolean {
    const e = this.endedCalls.get(callId);
    return Boolean(e?.heard && e.until > performance.now());
  }

  private remember(callId: string, deviceId: number | null, heard = false): void {
    const known = this.endedCalls.get(callId);
    this.endedCalls.set(callId, { deviceId, until: performance.now() + ENDED_REMEMBER_MS, heard: heard || Boolean(known?.heard) });
  }

  /** The call ended (or never left): its line is free again; waiting diallers wake up. */
  release(callId: string): void {
    const device = this.letGo(callId);
    if (device === undefined) return;
    // Its row may be ended a little later (a refused originate is settled after this): not counted meanwhile.
    this.remember(callId, device);
    // A line of the device is free here, whatever other processes hold: the next claim counts again.
    this.fullUntil.delete(device);
    this.wake();
  }

  /**
   * The diallers hear of a freed line at once (synchronously, before anything else runs): it is taken again
   * by the first dialler with a number ready, without waiting for a poll.
   */
  private wake(): void {
    for (const listener of [...this.freeListeners]) listener();
    this.waiters.wakeAll();
  }

  /** Calls `listener` each time a line frees (in this process); returns the unsubscribe function. */
  onFree(listener: () => void): () => void {
    this.freeListeners.add(listener);
    return () => this.freeListeners.delete(listener);
  }

  /** Resolves when a line frees or after `ms`, whichever comes first. */
  waitForLine(ms: number): Promise<void> {
    return this.waiters.wait(ms);
  }


  /** The earliest instant (ms, performance.now()) the device may originate again, reserving that slot (CPS per device). */
  reserveSlot(deviceId: number, now: number): number {
    const at = Math.max(now, this.nextSlotAt.get(deviceId) ?? 0);
    this.nextSlotAt.set(deviceId, at + 1000 / this.cps);
    return at;
  }

  /**
   * Waits for the first instant the device may hand the switch its next originate — once the switch has
   * acknowledged the device's previous originate (any task of this process), and 1 / CPS after that
   * acknowledgement — and takes that turn (`sending`) in the same tick, so no other dial of the device passes
   * meanwhile; resolves with the function to call once the switch acknowledged this originate, or cannot.
   * Paced from the acknowledgement, not from when the command was handed over: the event socket writes a
   * command only after the reply to the one before it, so commands handed over 1 / CPS apart can still reach
   * the switch together; the switch receives this one after we read that reply, so at least 1 / CPS after it
   * received the previous one.
   */
  async sendTurn(deviceId: number, sleep: (ms: number) => Promise<void>): Promise<() => void> {
    for (;;) {
      const unacknowledged = this.inTransit.get(deviceId);
      if (unacknowledged) {
        await unacknowledged;
        continue;
      }
      // Timers fire on whole milliseconds of a cached loop clock, sometimes a little early: wait until the instant has passed.
      const left = (this.acknowledgedAt.get(deviceId) ?? -Infinity) + 1000 / this.cps - performance.now();
      if (left <= 0) return this.sending(deviceId);
      await sleep(Math.ceil(left));
    }
  }

  /**
   * The device's originate is handed to the switch now (`sendTurn` takes the turn); returns the function to call
   * once the switch acknowledged it, or cannot (the device's next originate waits for it).
   */
  sending(deviceId: number): () => void {
    let done!: () => void;
    const acknowledged = new Promise<void>((resolve) => (done = resolve));
    this.inTransit.set(deviceId, acknowledged);
    let called = false;
    return () => {
      if (called) return;
      called = true;
      this.acknowledgedAt.set(deviceId, performance.now());
      if (this.inTransit.get(deviceId) === acknowledged) this.inTransit.delete(deviceId);
      done();
    };
  }

  /** A line or gateway failure: the device is left alone for a while so the retry goes to another one. */
  markFailing(deviceId: number, now: number, ms = 30_000): void {
    this.failingUntil.set(deviceId, now + ms);
  }

  failing(deviceId: number, now: number): boolean {
    return (this.failingUntil.get(deviceId) ?? 0) > now;
  }

  /**
   * The call's claim found the device's lines all carrying calls, other processes' among them: its line is
   * given back (no dialler is woken: no line has freed) and no dial here takes a line of the device until
   * one of its calls ends (in any process: `ended`) or `ms` has passed (the task runs' next look). True when the device was not
   * marked full already.
   */
  fullElsewhere(callId: string, now: number, ms = 1000): boolean {
    const device = this.letGo(callId);
    if (device === undefined) return false;
    const fresh = !this.full(device, now);
    this.fullUntil.set(device, now + ms);
    return fresh;
  }

  /** Takes the call off its device's lines here (no wake-up); its device, or undefined when it held none. */
  private letGo(callId: string): number | undefined {
    const device = this.deviceOf.get(callId);
    if (device === undefined) return undefined;
    this.deviceOf.delete(callId);
    this.inFlight.get(device)?.delete(callId);
    return device;
  }

  full(deviceId: number, now: number): boolean {
    return (this.fullUntil.get(deviceId) ?? 0) > now;
  }
}
