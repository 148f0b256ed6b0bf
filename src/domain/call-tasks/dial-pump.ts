import { randomUUID } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/core';
import { CallSchema } from '../calls/call.entity.js';
import { outcomeFromCause } from '../calls/hangup-cause.js';
import { checkCompliance } from '../compliance/compliance.service.js';
import { nextCallingWindow } from '../compliance/compliance.policy.js';
import type { OriginateResult } from '../ports/switch.port.js';
import type { GatewayDevice } from '../voice-gateways/gateway-device.entity.js';
import { claimAttempt, dialString, giveBackAttempt, letGoAhead, type Claimed } from './attempt-claim.js';
import { settleCall } from './attempt-outcome.js';
import { CallTaskPhoneSchema, type CallTaskPhone } from './call-task-phone.entity.js';
import type { CallTask } from './call-task.entity.js';
import { endTaskWithCard } from './completion-card.js';
import type { DiallerDeps } from './dialler.js';
import { freeAgentCount } from './free-agents.js';
import type { LineBook } from './line-book.js';
import { callsToPlace } from './pacer.js';
import { WakeUp } from './wake-up.js';

/** What the number had before its attempt was claimed (the screened row), restored if that attempt is given back. */
const before = (phone: CallTaskPhone) => ({ attempts: phone.attempts, lastCallId: phone.lastCallId ?? null, lastAttemptAt: phone.lastAttemptAt ?? null });

/** A screened number waits this long (task time) for a line at most; then it is screened again. */
const READY_MAX_AGE_MS = 60_000;

const sleepReal = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/**
 * How long before its CPS slot a dial's claim, or the statement letting an attempt claimed ahead go, may start
 * (real ms): its commit — a database round trip, tens of ms on a busy server — is then in when the slot comes,
 * instead of after it. The originate still leaves no sooner than the slot and the switch's pace (LineBook.sendTurn).
 */
export const COMMIT_LEAD_MS = 50;

/** After a claim ahead was refused on a device (another process has calls on it), it is not tried there again for this long. */
const AHEAD_REFUSED_MS = 1000;

type Ready = { phone: CallTaskPhone; screenedAt: number };
/** An attempt claimed ahead of a line: recorded, waiting for one of this process's calls on its device to end. */
type Armed = { ready: Ready; claimed: Claimed };

/**
 * The event-driven half of a task's dialler. It keeps a small look-ahead of the task's due numbers already
 * screened by the compliance ledger (refilled in the background while lines are busy), and listens to the
 * process's line book: the moment a line frees, the pacer is asked and a ready number is claimed and
 * originated — no poll, no query before the claim. The claim stays the one transaction that records the
 * attempt before the originate leaves; it also counts the device's calls of other processes, and when they
 * fill its lines the number waits in the look-ahead until a line frees here or the run's next look.
 *
 * Robot mode claims ahead: while every line of a device carries this process's calls, the next attempt for
 * that device is claimed then (one per device, attempt-claim.ts; its call row `claimed_ahead`), so when a line
 * frees its originate leaves without the claim's transaction on the way — one statement lets it go (clears
 * `claimed_ahead` while the task is RUNNING and ours) and commits while the CPS turn is awaited. An attempt
 * claimed ahead that does not leave (the run halts, STOP, its device fails) is given back: its number pending
 * as before, its call row deleted; one still `claimed_ahead` after its process died is given back by the
 * next run (dialler.ts). Agent mode claims when the line frees (a person must be free then too).
 */
export class DialPump {
  #ready: Ready[] = [];
  /** Numbers taken from the look-ahead whose claim has not committed yet (a refill must not fetch them again). */
  readonly #claiming = new Set<number>();
  /** Dials between taking a line and the originate leaving (or the line given back). */
  #dialling = 0;
  #refill: Promise<void> | null = null;
  #refillAgain = false;
  #agents: Promise<void> | null = null;
  #exhausted = false;
  #halted = false;
  #notRunning = false;
  #devices: GatewayDevice[] = [];
  #task: CallTask | undefined;
  readonly #lineNumbers = new Map<number, string | null>();
  /** Per device, the previous dial's originate leaving (or giving up): numbers leave in the order they were taken. */
  readonly #sendChain = new Map<number, Promise<void>>();
  readonly #unsubscribe: () => void;
  readonly #attention = new WakeUp();
  #idle: Array<() => void> = [];
  /** Per device, the attempt claimed ahead of a line (robot mode). */
  readonly #armed = new Map<number, Armed>();
  /** Per device, the call id of the claim ahead under way (its row may commit before the claim returns). */
  readonly #aheadClaiming = new Map<number, string>();
  /** Per device, until when a claim ahead is not tried (performance.now() ms). */
  readonly #aheadRefusedUntil = new Map<number, number>();

  constructor(
    private readonly deps: DiallerDeps,
    private readonly taskId: number,
  ) {
    this.#unsubscribe = deps.lines.onFree(() => this.pump());
  }

  /** The task as last read and the devices it may use (the control loop refreshes both). */
  configure(task: CallTask, devices: GatewayDevice[]): void {
    this.#task = task;
    this.#devices = devices;
  }

  /**
   * How many numbers to keep screened ahead: two per line of the task's devices, so lines freeing in a burst
   * while a refill (a query and the compliance screen) is under way still find a number ready.
   */
  get #lookAhead(): number {
    return Math.max(2, 2 * this.#devices.reduce((n, d) => n + d.lineCount, 0));
  }

  /** Nothing is due, nothing is screened ahead and no dial is under way: the control loop decides what next. */
  get drained(): boolean {
    return this.#exhausted && this.#ready.length === 0 && this.#dialling === 0 && !this.#refill;
  }

  /** A claim found the task no longer RUNNING (STOP, cancel, FAILED): no new dial starts. */
  get notRunning(): boolean {
    return this.#notRunning;
  }

  /** Resolves when the control loop should look again (drained, not running) or after `ms`. */
  attention(ms: number): Promise<void> {
    return this.#attention.wait(ms);
  }


  /** Wakes the control loop when the pump becomes drained (once per time it does, not on every refill). */
  #drainedSeen = false;
  #maybeDrained(): void {
    const drained = this.drained;
    if (drained && !this.#drainedSeen) this.#notify();
    this.#drainedSeen = drained;
  }

  #notify(): void {
    this.#attention.wakeAll();
  }

  /** No new dial starts; resolves once every dial under way has left or given its line back, and every attempt claimed ahead is given back. */
  async halt(): Promise<void> {
    this.#halted = true;
    this.#unsubscribe();
    if (this.#dialling > 0) await new Promise<void>((r) => this.#idle.push(r));
    for (const deviceId of [...this.#armed.keys()]) await this.#giveBack(deviceId);
  }

  /** The attempt claimed ahead for the device is given back (attempt-claim.ts); its number is screened ready again unless the run halts. */
  async #giveBack(deviceId: number): Promise<void> {
    const armed = this.#armed.get(deviceId);
    if (!armed) return;
    this.#armed.delete(deviceId);
    // Counted as a dial under way: a halt waits for it (the next run must not find the number `dialing`).
    this.#dialling += 1;
    const back = await giveBackAttempt(this.deps.fork(), armed.ready.phone.id, armed.claimed.callId, before(armed.ready.phone))
      .catch((err: unknown) => {
        this.deps.log?.({ err, taskId: this.taskId }, 'giving back an attempt claimed ahead failed: it is settled as unknown');
        return false;
      })
      .finally(() => this.#settled());
    if (back && !this.#halted) this.#ready.unshift(armed.ready);
  }

  /** This process's attempts claimed ahead on the device (left out of its own count of the device's calls). */
  #armedOn(deviceId: number): string[] {
    const armed = this.#armed.get(deviceId)?.claimed.callId ?? this.#aheadClaiming.get(deviceId);
    return armed ? [armed] : [];
  }

  /**
   * Places as many calls as the pacer allows on the free lines, now. Robot mode needs no query at all;
   * agent mode asks who is free first (one pass at a time).
   */
  pump(): void {
    const task = this.#task;
    if (!task || this.#halted || this.#notRunning) return;
    if (!this.deps.switch?.connected()) return;
    const now = this.deps.clock.now();
    if (nextCallingWindow(now, this.deps.compliance.timeZone, this.deps.compliance.window)) return;
    if (task.mode === 'robot') {
      this.#dispatch(callsToPlace({ freeLines: this.#freeLines(now.getTime()), freeAgents: null, answerRate: 1, abandonRate: 0 }));
      return;
    }
    if (this.#agents) return;
    this.#agents = (async () => {
      // Calls being claimed are not in the database yet: each will need an agent as well.
      const free = (await freeAgentCount(this.deps.fork(), task, now)) - this.#dialling;
      this.#dispatch(callsToPlace({ freeLines: this.#freeLines(this.deps.clock.now().getTime()), freeAgents: Math.max(0, free), answerRate: 1, abandonRate: 0 }));
    })()
      .catch((err: unknown) => this.deps.log?.({ err, taskId: this.taskId }, 'counting free agents failed'))
      .finally(() => (this.#agents = null));
  }

  #freeLines(nowMs: number): number {
    return this.#devices.filter((d) => !this.deps.lines.failing(d.id, nowMs) && !this.deps.lines.full(d.id, nowMs)).reduce((n, d) => n + Math.max(0, d.lineCount - this.deps.lines.busy(d.id)), 0);
  }

  #dispatch(want: number): void {
    const nowMs = this.deps.clock.now().getTime();
    this.#ready = this.#ready.filter((r) => nowMs - r.screenedAt <= READY_MAX_AGE_MS);
    let placed = 0;
    // Attempts claimed ahead take the lines that freed first: they need no claim now.
    for (const [deviceId, armed] of [...this.#armed]) {
      const device = this.#devices.find((d) => d.id === deviceId);
      if (!device || this.deps.lines.failing(deviceId, nowMs)) {
        void this.#giveBack(deviceId);
        continue;
      }
      if (placed >= want || !this.deps.lines.tryTake(deviceId, device.lineCount, armed.claimed.callId)) continue;
      this.#armed.delete(deviceId);
      placed += 1;
      this.#start(armed.ready, device, armed.claimed.callId, armed.claimed);
    }
    for (; placed < want && this.#ready.length > 0; placed++) {
      const callId = randomUUID();
      // The line is taken before any await, so no other dialler of the process can take it meanwhile.
      const device = takeLine(this.deps.lines, this.#devices, nowMs, callId);
      if (!device) break;
      this.#start(this.#ready.shift()!, device, callId, null);
    }
    if (this.#task?.mode === 'robot' && this.deps.claimAhead) this.#claimAheadSoon();
    // Nothing was due at the last look: the control loop looks again on its tick (a retry time, a number
    // given back), not every line freed (with SQLite's synchronous driver that would be a busy loop).
    if (this.#ready.length < this.#lookAhead && !this.#exhausted) this.refill();
  }

  /** A dial on a line just taken: its originate slot planned now (CPS per device), in the order lines were taken. */
  #start(ready: Ready, device: GatewayDevice, callId: string, armed: Claimed | null): void {
    const { phone } = ready;
    if (!armed) this.#claiming.add(phone.id);
    this.#dialling += 1;
    const slot = this.deps.lines.reserveSlot(device.id, performance.now());
    const previous = this.#sendChain.get(device.id) ?? Promise.resolve();
    let sent!: () => void;
    const mine = new Promise<void>((r) => (sent = r));
    this.#sendChain.set(device.id, mine);
    void this.#dial(ready, device, callId, slot, previous, sent, armed)
      .catch((err: unknown) => {
        this.deps.lines.release(callId);
        this.deps.log?.({ err, taskId: this.taskId }, 'placing a task call failed');
      })
      .finally(() => {
        sent();
        this.#claiming.delete(phone.id);
        this.#settled();
      });
  }

  /** A dial or a claim ahead is over: once none is under way, a halt waiting for them goes on. */
  #settled(): void {
    this.#dialling -= 1;
    if (this.#dialling > 0) return;
    const idle = this.#idle;
    this.#idle = [];
    for (const r of idle) r();
    this.#maybeDrained();
  }

  #claimAheadQueued = false;
  /**
   * The claims ahead start once this turn of the event loop is over: the dials started in it issue their
   * statements first (an attempt claimed ahead lets go with one statement, which on SQLite's one connection
   * would otherwise wait behind the next claim's whole transaction, commit included).
   */
  #claimAheadSoon(): void {
    if (this.#claimAheadQueued) return;
    this.#claimAheadQueued = true;
    setImmediate(() => {
      this.#claimAheadQueued = false;
      this.#claimAhead(this.deps.clock.now().getTime());
    });
  }

  /**
   * Claims the next attempt ahead for each device whose lines all carry this process's calls (none free
   * here, none claimed ahead yet): it leaves the moment one of them ends (see the class comment).
   */
  #claimAhead(nowMs: number): void {
    const now = performance.now();
    for (const device of this.#devices) {
      if (this.#ready.length === 0 || this.#halted || this.#notRunning) return;
      const id = device.id;
      if (this.#armed.has(id) || this.#aheadClaiming.has(id) || (this.#aheadRefusedUntil.get(id) ?? 0) > now) continue;
      if (this.deps.lines.busy(id) < device.lineCount || this.deps.lines.failing(id, nowMs) || this.deps.lines.full(id, nowMs)) continue;
      const ready = this.#ready.shift()!;
      const callId = randomUUID();
      this.#aheadClaiming.set(id, callId);
      this.#claiming.add(ready.phone.id);
      this.#dialling += 1;
      void claimAttempt(this.deps, this.#task!, ready.phone, device, callId, this.#lineNumbers, { ahead: true, armed: () => [] })
        .then((claimed) => {
          if (claimed === 'not_running') {
            this.#notRunning = true;
            this.#notify();
            return;
          }
          if (claimed === 'no_line') {
            this.#ready.unshift(ready);
            this.#aheadRefusedUntil.set(id, performance.now() + AHEAD_REFUSED_MS);
            return;
          }
          // null: the number is no longer pending as screened (another dialler has it): dropped from the look-ahead.
          if (claimed) this.#armed.set(id, { ready, claimed });
        })
        .catch((err: unknown) => {
          this.#ready.unshift(ready);
          this.deps.log?.({ err, taskId: this.taskId }, 'claiming an attempt ahead failed');
        })
        .finally(() => {
          this.#aheadClaiming.delete(id);
          this.#claiming.delete(ready.phone.id);
          this.#settled();
          // A line of the device may have freed while the claim was under way.
          this.pump();
        });
    }
  }

  /**
   * The control loop's look, once per tick: numbers may have become due since the last look found none
   * (a retry time, a number given back). Resolves once that look is done, so `drained` is then current.
   */
  async look(): Promise<void> {
    while (this.#refill) await this.#refill;
    this.#exhausted = false;
    this.refill();
    while (this.#refill) await this.#refill;
  }

  /** Screens the next due numbers into the look-ahead (in the background; one refill at a time). */
  refill(): void {
    if (this.#halted) return;
    if (this.#refill) {
      this.#refillAgain = true;
      return;
    }
    this.#refill = this.#fill()
      .catch((err: unknown) => this.deps.log?.({ err, taskId: this.taskId }, 'screening the next numbers failed'))
      .finally(() => {
        this.#refill = null;
        if (this.#refillAgain && !this.#exhausted) {
          this.#refillAgain = false;
          this.refill();
        }
        this.pump();
        this.#maybeDrained();
      });
  }

  async #fill(): Promise<void> {
    for (;;) {
      const want = this.#lookAhead - this.#ready.length;
      if (want <= 0 || this.#halted) return;
      const em = this.deps.fork();
      const now = this.deps.clock.now();
      const held = [...this.#ready.map((r) => r.phone.id), ...this.#claiming];
      const due = await em.find(
        CallTaskPhoneSchema,
        { task: this.taskId, status: 'pending', ...(held.length ? { id: { $nin: held } } : {}), $or: [{ nextAttemptAt: null }, { nextAttemptAt: { $lte: now } }] },
        { orderBy: { id: 'asc' }, limit: want },
      );
      this.#exhausted = due.length === 0;
      if (due.length === 0) return;
      const allowed = await screen(this.deps, em, due, now);
      for (const phone of allowed) this.#ready.push({ phone, screenedAt: now.getTime() });
      // Every number screened was refused or deferred: look further at once; otherwise the look-ahead is full.
      if (allowed.length > 0 || due.length < want) return;
    }
  }

  /**
   * An attempt claimed ahead does not leave (the run halts, STOP, cancel or a takeover since its claim, or
   * the statement letting it go failed): its line and CPS turn are let go and its number given back.
   */
  async #notSent(ready: Ready, callId: string, acknowledged: (() => void) | null, stopped: boolean): Promise<void> {
    acknowledged?.();
    if (stopped && !this.#halted) {
      this.#notRunning = true;
      this.#notify();
    }
    this.deps.lines.release(callId);
    if (await giveBackAttempt(this.deps.fork(), ready.phone.id, callId, before(ready.phone))) this.deps.log?.({ taskId: this.taskId, callId }, 'attempt claimed ahead given back: the task is no longer dialled here');
  }

  async #dial(ready: Ready, device: GatewayDevice, callId: string, slot: number, previous: Promise<void>, sent: () => void, armed: Claimed | null): Promise<void> {
    const { phone } = ready;
    const sleep = this.deps.sleep ?? sleepReal;
    // Timers fire on whole milliseconds of a cached loop clock, sometimes a little early: wait until `at` has passed.
    const waitUntil = async (at: number) => {
      for (let left = at - performance.now(); left > 0; left = at - performance.now()) await sleep(Math.ceil(left));
    };
    // CPS: the claim (or the statement letting an attempt claimed ahead go) starts at most COMMIT_LEAD_MS
    // before the planned slot, so that its commit is in when the slot comes; a STOP until then is seen by it.
    await waitUntil(slot - COMMIT_LEAD_MS);
    const task = this.#task!;
    if (armed && this.#halted) return this.#notSent(ready, callId, null, true);
    // Claimed ahead: let go now (the task still RUNNING and ours), committed while the CPS turn is awaited.
    const leaving = armed ? letGoAhead(this.deps, this.taskId, callId) : null;
    const claimed = this.#halted ? 'not_running' : (armed ?? (await claimAttempt(this.deps, task, phone, device, callId, this.#lineNumbers, { ahead: false, armed: () => this.#armedOn(device.id) })));
    if (claimed === 'no_line') {
      // Other processes' calls fill the device: the number goes back to the front of the look-ahead.
      if (this.deps.lines.fullElsewhere(callId, this.deps.clock.now().getTime())) this.deps.log?.({ taskId: task.id, deviceId: device.id }, 'lines of the device all carry other processes\' calls: the number waits');
      this.#ready.unshift(ready);
      // Another device of the task may have a free line: the number goes there now, not on the next tick
      // (the refused device is marked full, so this pump does not come back to it).
      this.pump();
      return;
    }
    if (claimed === 'not_running' || !claimed) {
      if (claimed === 'not_running') {
        this.#notRunning = true;
        this.#notify();
      }
      this.deps.lines.release(callId);
      return;
    }
    this.#claiming.delete(phone.id);
    // In the order the lines were taken, and strict CPS at the switch: 1 / CPS after the switch acknowledged the device's previous originate.
    await waitUntil(slot);
    await previous;
    const request = {
      callId,
      gateway: device.name,
      number: dialString(phone.phone),
      callerId: claimed.callerId,
      timeoutSec: this.deps.ringSeconds,
      vars: { salesops_task_id: task.id, salesops_mode: task.mode, salesops_attempt: claimed.attempt, salesops_device_id: device.id },
      destination: this.deps.destination(task),
    };
    const acknowledged = await this.deps.lines.sendTurn(device.id, sleep);
    // A failed statement is not let go (if it did commit, the number ends `unknown`, never dialled twice).
    const left = leaving && (await leaving.catch((err: unknown) => (this.deps.log?.({ err, taskId: this.taskId }, 'letting an attempt claimed ahead go failed'), 'failed' as const)));
    if (leaving && left !== true) return this.#notSent(ready, callId, acknowledged, left === false);
    let result: Promise<OriginateResult>;
    try {
      result = this.deps.switch!.originate({ ...request, accepted: acknowledged });
    } catch (err) {
      acknowledged();
      throw err;
    }
    // A port that never calls `accepted` (it is optional) still lets the device's next originate go once this
    // one's result is in (`acknowledged` ignores a second call).
    void result.then(acknowledged, acknowledged);
    // The originate is handed over: the next of this run may plan its turn (sendTurn waits for the acknowledgement).
    sent();
    void recordOriginate(this.deps, task, device, phone, claimed, result).catch((err: unknown) => this.deps.log?.({ err, taskId: task.id }, 'recording an originate result failed'));
  }
}

/** Takes a line on the device with the most free lines that is neither failing nor full with other processes' calls (ties: the lowest id). */
function takeLine(lines: LineBook, devices: GatewayDevice[], nowMs: number, callId: string): GatewayDevice | null {
  let best: GatewayDevice | null = null;
  let bestFree = 0;
  for (const d of devices) {
    if (lines.failing(d.id, nowMs) || lines.full(d.id, nowMs)) continue;
    const free = d.lineCount - lines.busy(d.id);
    if (free > bestFree) {
      best = d;
      bestFree = free;
    }
  }
  return best && lines.tryTake(best.id, best.lineCount, callId) ? best : null;
}

/**
 * Compliance through the one ledger on every dial: refused numbers are `skipped` with the reason (blacklisted,
 * opted out, no consent, the monthly marketing call); the carrier caps defer a number to when its oldest call
 * leaves the window. Returns the numbers that may be dialled now.
 */
async function screen(deps: DiallerDeps, em: EntityManager, due: CallTaskPhone[], now: Date): Promise<CallTaskPhone[]> {
  const results = await checkCompliance(em, { phones: due.map((p) => p.phone), channel: 'call', purpose: 'marketing', subjectType: 'call_task_phone', subjectIds: due.map((p) => String(p.id)) }, deps.compliance, now);
  const allowed: CallTaskPhone[] = [];
  due.forEach((phone, i) => {
    const v = results[i]!.verdict;
    if (v.kind === 'allow') allowed.push(phone);
    else if (v.kind === 'refuse') Object.assign(phone, { status: 'skipped', skipReason: v.reason });
    else phone.nextAttemptAt = v.until;
  });
  await em.flush();
  return allowed;
}

/** Records what the switch answered to an originate; a refused one gives its line back before it is settled. */
async function recordOriginate(deps: DiallerDeps, task: CallTask, device: GatewayDevice, phone: CallTaskPhone, claimed: Claimed, pending: Promise<OriginateResult>): Promise<void> {
  const result = await pending;
  const em = deps.fork();
  const now = deps.clock.now();
  if (result.kind === 'answered') {
    await em.nativeUpdate(CallSchema, { uuid: claimed.callId, answeredAt: null, endedAt: null }, { answeredAt: now });
    return;
  }
  if (result.kind === 'unknown') {
    await em.nativeUpdate(CallSchema, { uuid: claimed.callId, endedAt: null }, { outcome: 'unknown' });
    await em.nativeUpdate(CallTaskPhoneSchema, { id: phone.id, status: 'dialing', lastCallId: claimed.callId }, { status: 'unknown' });
    deps.log?.({ taskId: task.id, callId: claimed.callId, reason: result.reason }, 'originate result lost: the call is unknown until its channel reports');
    return;
  }
  // The line is free the moment the switch refuses: a failing device rests first, then the next dial may take the line.
  if (outcomeFromCause(result.cause, false) === 'line_failed') deps.lines.markFailing(device.id, now.getTime());
  deps.lines.release(claimed.callId);
  // The last number final: the task ends, and its completion card is queued, in this one transaction.
  const settled = await endTaskWithCard(em, deps.notifier, now, async (tx) => {
    const s = await settleCall(tx, { callId: claimed.callId, endedAt: now, hangupCause: result.cause, answeredAt: null, recordingPath: null, digit: null, vars: {} }, now);
    return { result: s, ended: s?.completed ? task.id : null };
  });
  if (settled?.completed) deps.log?.({ taskId: task.id }, 'call task ended');
}
