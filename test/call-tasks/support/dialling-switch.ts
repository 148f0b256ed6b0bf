import { FakeEventSocket, type FakeOutboundCall, type OriginateOutcome } from '../../telephony/support/fake-switch.js';

/**
 * The shared fake switch seen from the dialler's side: every originate recorded with its gateway and the
 * span its channel lived (for calls in flight per gateway), and outcomes scripted per number and attempt.
 */
export class DiallingSwitch {
  readonly socket = new FakeEventSocket();
  readonly spans: Array<{ call: FakeOutboundCall; gateway: string; start: number; end: number | undefined }> = [];
  /** What the n-th originate to a number does (undefined: the socket's default). */
  script: (number: string, attempt: number) => OriginateOutcome | undefined = () => undefined;
  #stopped = false;

  async start(gateways: string[]): Promise<this> {
    await this.socket.start();
    for (const g of gateways) this.socket.gateways.set(g, 'UP');
    this.socket.outcome('default', { kind: 'answer', afterMs: 30, talkMs: 80 });
    void this.#watch();
    return this;
  }

  /** Follows every originate as it arrives: scripts the number's next attempt and records the channel's life. */
  async #watch(): Promise<void> {
    for (let n = 1; !this.#stopped; n++) {
      const call = await this.socket.waitForOriginate(n);
      if (this.#stopped) return;
      const gateway = /^sofia\/gateway\/([^/]+)\//.exec(call.endpoint)?.[1] ?? '';
      const span = { call, gateway, start: call.startedAt, end: undefined as number | undefined };
      this.spans.push(span);
      void call.ended.then(() => (span.end = Date.now()));
      const attempt = this.spans.filter((s) => s.call.destination === call.destination).length;
      const next = this.script(call.destination, attempt + 1);
      if (next) this.socket.outcome(call.destination, next);
    }
  }

  /** Sets the outcome of a number's first attempt. */
  first(number: string): void {
    const o = this.script(number, 1);
    if (o) this.socket.outcome(number, o);
  }

  /** The most channels alive at once per gateway. */
  peakPerGateway(): Map<string, number> {
    const out = new Map<string, number>();
    const points = this.spans.flatMap((s) => [
      { at: s.start, d: 1, g: s.gateway },
      { at: s.end ?? Number.MAX_SAFE_INTEGER, d: -1, g: s.gateway },
    ]);
    points.sort((a, b) => a.at - b.at || a.d - b.d);
    const live = new Map<string, number>();
    for (const p of points) {
      live.set(p.g, (live.get(p.g) ?? 0) + p.d);
      out.set(p.g, Math.max(out.get(p.g) ?? 0, live.get(p.g)!));
    }
    return out;
  }

  /** A call id (our origination_uuid) originated twice. */
  duplicates(): number {
    const ids = this.socket.calls.map((c) => c.uuid);
    return ids.length - new Set(ids).size;
  }

  dialled(number: string): number {
    return this.socket.calls.filter((c) => c.destination === number).length;
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    await this.socket.stop();
  }
}
