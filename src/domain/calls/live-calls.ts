import { inProcessBoardBus, type BoardBus } from '../ports/board-bus.port.js';
import { maskPhone } from '../shared/phone.js';

export type LiveCallState = 'ringing' | 'talking';

/** A call on the switch now, as the live board shows it: the caller masked, who is being rung or talking. */
export type LiveCall = {
  uuid: string;
  source: string;
  state: LiveCallState;
  /** Masked (138****8888). */
  caller: string;
  customerName: string | null;
  /** Staff being rung (ringing) or on the call (talking). */
  staffIds: number[];
  startedAt: string;
  answeredAt: string | null;
};

type Listener = (call: LiveCall, ended: boolean) => void;

/**
 * The calls alive on the switch, kept in memory from the telephony door's events (ringing when routed,
 * talking when bridged, gone at hangup). Every change goes through the board bus and is applied from it,
 * so with REDIS_URL each process also holds the calls other processes handle. Listeners (the live board)
 * hear every change. A call that never hangs up here (a lost connection) is dropped after `maxAgeMs`.
 */
export class LiveCalls {
  readonly #calls = new Map<string, LiveCall>();
  readonly #listeners = new Set<Listener>();
  readonly #maxAgeMs: number;
  readonly #bus: BoardBus;

  constructor(options: { maxAgeMs?: number; bus?: BoardBus } = {}) {
    this.#maxAgeMs = options.maxAgeMs ?? 4 * 3600_000;
    this.#bus = options.bus ?? inProcessBoardBus();
    this.#bus.subscribe((event) => {
      if (event.kind === 'call') this.#apply(event.call, event.ended);
    });
  }

  ringing(input: { uuid: string; source: string; callerNumber: string; customerName: string | null; staffIds: number[]; at?: Date }): void {
    const call: LiveCall = {
      uuid: input.uuid,
      source: input.source,
      state: 'ringing',
      caller: input.callerNumber ? maskPhone(input.callerNumber) : '未知号码',
      customerName: input.customerName,
      staffIds: input.staffIds,
      startedAt: (input.at ?? new Date()).toISOString(),
      answeredAt: null,
    };
    this.#bus.publish({ kind: 'call', call, ended: false });
  }

  talking(uuid: string, staffId: number | null, at = new Date()): void {
    const call = this.#calls.get(uuid);
    if (!call) return;
    const next: LiveCall = { ...call, state: 'talking', answeredAt: at.toISOString(), staffIds: staffId ? [staffId] : call.staffIds };
    this.#bus.publish({ kind: 'call', call: next, ended: false });
  }

  ended(uuid: string): void {
    const call = this.#calls.get(uuid);
    if (!call) return;
    this.#bus.publish({ kind: 'call', call, ended: true });
  }

  list(now = Date.now()): LiveCall[] {
    for (const [uuid, call] of this.#calls) if (now - Date.parse(call.startedAt) > this.#maxAgeMs) this.#calls.delete(uuid);
    return [...this.#calls.values()].sort((a, b) => a.startedAt.localeCompare(b.startedAt));
  }

  /** Staff on a call now (talking), for "on a call" on the board. */
  staffOnCall(): Set<number> {
    return new Set(this.list().filter((c) => c.state === 'talking').flatMap((c) => c.staffIds));
  }

  subscribe(listener: Listener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** A change from this process or another: an end of a call already gone (several processes saw the hangup) is no change. */
  #apply(call: LiveCall, ended: boolean): void {
    if (ended && !this.#calls.delete(call.uuid)) return;
    if (!ended) this.#calls.set(call.uuid, call);
    this.#emit(call, ended);
  }

  #emit(call: LiveCall, ended: boolean): void {
    for (const listener of this.#listeners) {
      try {
        listener(call, ended);
      } catch {
        /* a listener's failure is its own */
      }
    }
  }
}
