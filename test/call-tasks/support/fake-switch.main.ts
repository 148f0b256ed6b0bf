/**
 * The call-task benchmark's fake FreeSWITCH in its own process (as the SMS benchmark runs its carrier): the
 * dialler's originates cross a real TCP event socket to a switch whose timers, events and the far ends of
 * the robot call flows do not share the app's event loop.
 *
 *   node --import tsx test/call-tasks/support/fake-switch.main.ts --gateways bench-a,bench-b --speedup 10 --seed 20261130 --ring 30
 *
 * Every originate draws its callee anew from a seeded mix: 60 % answer after 2–10 s of ringing and talk
 * 1–5 s, 10 % busy, 20 % no answer (ringing `--ring` s), 10 % invalid — each time divided by `--speedup`.
 * Prints one JSON line `{"port":…,"password":"…"}` once listening. Over the IPC channel it answers
 * `{"kind":"report"}` with every originate and every channel end (wall-clock ms, performance.timeOrigin +
 * performance.now(), comparable across processes) and the most channels alive per gateway; `{"kind":"stop"}`
 * (or SIGTERM) stops it.
 */
import { parseArgs } from 'node:util';
import { FakeEventSocket, type OriginateOutcome } from '../../telephony/support/fake-switch.js';

const { values } = parseArgs({
  options: {
    gateways: { type: 'string', default: 'bench-a,bench-b' },
    speedup: { type: 'string', default: '10' },
    seed: { type: 'string', default: '20261130' },
    ring: { type: 'string', default: '30' },
  },
});
const speedup = Number(values.speedup);
const ringSeconds = Number(values.ring);

/** A small seeded generator: the same sequence of callees on every run. */
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const random = rng(Number(values.seed));
const sim = (s: number) => Math.round((s * 1000) / speedup);
const draw = (): OriginateOutcome => {
  const r = random();
  if (r < 0.6) return { kind: 'answer', afterMs: sim(2 + random() * 8), talkMs: sim(1 + random() * 4) };
  if (r < 0.7) return { kind: 'busy', afterMs: sim(0.5 + random()) };
  if (r < 0.9) return { kind: 'no_answer', ringMs: sim(ringSeconds) };
  return { kind: 'invalid' };
};

const wall = () => performance.timeOrigin + performance.now();
const socket = new FakeEventSocket();
await socket.start();
for (const g of values.gateways.split(',')) socket.gateways.set(g, 'UP');
socket.outcomes(draw);

type Originated = { at: number; gateway: string; uuid: string; destination: string; attempt: string };
const originates: Originated[] = [];
const ends: Array<{ at: number; uuid: string }> = [];
const alive = new Map<string, number>();
const peak = new Map<string, number>();
let stopped = false;
let peakRss = process.memoryUsage().rss;
setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 200).unref();
void (async () => {
  for (let n = 1; !stopped; n++) {
    const call = await socket.waitForOriginate(n);
    // When the command reached the switch (read off the socket, before the switch replied to it).
    const at = call.receivedAt;
    const gateway = /^sofia\/gateway\/([^/]+)\//.exec(call.endpoint)?.[1] ?? '';
    alive.set(gateway, (alive.get(gateway) ?? 0) + 1);
    peak.set(gateway, Math.max(peak.get(gateway) ?? 0, alive.get(gateway)!));
    originates.push({ at, gateway, uuid: call.uuid, destination: call.destination, attempt: call.vars['salesops_attempt'] ?? '' });
    void call.ended.then(() => {
      ends.push({ at: wall(), uuid: call.uuid });
      alive.set(gateway, alive.get(gateway)! - 1);
    });
  }
})();

const stop = () => {
  stopped = true;
  void socket.stop().then(() => process.exit(0));
};
process.on('message', (message: { kind: string }) => {
  if (message.kind === 'report') process.send?.({ kind: 'report', originates, ends, peak: Object.fromEntries(peak), peakRss });
  if (message.kind === 'stop') stop();
});
process.once('SIGTERM', stop);
process.once('disconnect', stop);
process.stdout.write(`${JSON.stringify({ port: socket.port, password: socket.password })}\n`);
