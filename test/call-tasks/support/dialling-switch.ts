import { randomUUID } from 'node:crypto';
import { channelEvent, FakeEventSocket, jsonEvent } from '../../telephony/support/fake-switch.js';

/** What the callee (or the network) does with one originate. */
export type Behaviour = { kind: 'answer'; ringMs: number; talkMs: number } | { kind: 'fail'; cause: string; ringMs: number } | { kind: 'lost' };

export type Originate = { callId: string; gateway: string; number: string; vars: Record<string, string>; at: number };

/**
 * A FreeSWITCH as the dialler meets it, on the shared fake event socket: `bgapi originate {vars}…` answers
 * `+OK Job-UUID`, then after the ringing a BACKGROUND_JOB `+OK <uuid>` (answered) or `-ERR <CAUSE>`, and
 * CHANNEL_HANGUP_COMPLETE carrying the `{}` variables; `lost` sends neither (the result never comes) and
 * the channel never existed. `uuid_exists` answers from the live channels. Counts calls in flight per gateway.
 */
export class DiallingSwitch {
  readonly socket = new FakeEventSocket();
  readonly originates: Originate[] = [];
  readonly live = new Map<string, string>();
  readonly peak = new Map<string, number>();
  behaviour: (number: string, attemptOfNumber: number) => Behaviour = () => ({ kind: 'answer', ringMs: 20, talkMs: 30 });

  async start(): Promise<this> {
    await this.socket.start();
    this.socket.onBgapi = (command) => this.#bgapi(command);
    return this;
  }

  #bgapi(command: string): string | null {
    if (command.startsWith('uuid_exists ')) return this.live.has(command.slice('uuid_exists '.length).trim()) ? 'true' : 'false';
    const m = /^originate \{([^}]*)\}sofia\/gateway\/([^/]+)\/(\S+)/.exec(command);
    if (!m) return '-ERR INVALID_COMMAND\n';
    const vars = Object.fromEntries(m[1]!.split(',').map((kv) => [kv.slice(0, kv.indexOf('=')), kv.slice(kv.indexOf('=') + 1)]));
    const callId = vars['origination_uuid']!;
    const number = m[3]!;
    const attempt = this.originates.filter((o) => o.number === number).length + 1;
    this.originates.push({ callId, gateway: m[2]!, number, vars, at: Date.now() });
    const b = this.behaviour(number, attempt);
    if (b.kind === 'lost') return null;
    this.live.set(callId, m[2]!);
    const busy = [...this.live.values()].filter((g) => g === m[2]).length;
    this.peak.set(m[2]!, Math.max(this.peak.get(m[2]!) ?? 0, busy));
    // The BACKGROUND_JOB comes 5 ms after the command; the hangup after the ringing (and talk).
    const hangup = (cause: string, answered: boolean) => {
      this.live.delete(callId);
      const extra: Record<string, string> = { 'Hangup-Cause': cause, ...Object.fromEntries(Object.entries(vars).map(([k, v]) => [`variable_${k}`, v])) };
      if (answered) extra['variable_answer_epoch'] = String(Math.floor((Date.now() - (b.kind === 'answer' ? b.talkMs : 0)) / 1000));
      void this.socket.write(jsonEvent(channelEvent('CHANNEL_HANGUP_COMPLETE', callId, extra)));
    };
    if (b.kind === 'fail') {
      setTimeout(() => hangup(b.cause, false), b.ringMs);
      return `-ERR ${b.cause}\n`;
    }
    setTimeout(() => hangup('NORMAL_CLEARING', true), b.ringMs + b.talkMs);
    return `+OK ${callId}\n`;
  }

  /** Originates per call id and per number: a call id seen twice is a duplicate dial. */
  duplicates(): number {
    const ids = this.originates.map((o) => o.callId);
    return ids.length - new Set(ids).size;
  }

  stop(): Promise<void> {
    return this.socket.stop();
  }
}

export const uuid = () => randomUUID();
