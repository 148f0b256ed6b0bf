/**
 * The call-task dialler at its line limit: N numbers (default 10,000) on 2 gateway devices × 4 lines, dialled
 * by the real dialler through the real event-socket client and telephony door (the app booted by the
 * composition root) to the fake FreeSWITCH running in its own process (test/call-tasks/support/
 * fake-switch.main.ts, ESL over TCP, as the SMS bench runs its carrier), whose callees answer 60 % after
 * 2–10 s of ringing (talk 1–5 s), are busy 10 %, do not answer 20 % (ringing the full CALL_TASK_RING_SECONDS),
 * and are invalid 10 %; busy and no answer are retried after 30 minutes up to 3 attempts (the defaults).
 *
 * Time is compressed `--speedup` times (default 10, which this machine follows): the app runs on a clock that
 * starts at 08:00 Beijing and advances that much faster than the wall clock, the fake callees ring and talk
 * that much shorter, and the CPS limit of 1 originate per second per device becomes `speedup` per real
 * second. Figures in "sim" are in the compressed time (what the production dialler would see); latencies in
 * "real ms" are wall-clock (what the code costs). Both dialects run one after the other by default
 * (SQLite first, then MariaDB), and the figures are printed side by side with their ratio.
 * `--claim-ahead compare` runs each dialect twice in the same run, claiming at the line's freeing (off) and
 * ahead (on, CALL_TASK_CLAIM_AHEAD), and prints the ratios; `--first-pass` gives each number one attempt (no
 * retry waits: the figures above are taken over the first pass anyway).
 * `--against <git ref>` runs this tree and <ref>'s code alternately in the same run (child processes, `--rounds`
 * each) and prints the medians and their ratio.
 *   npm run bench -- call-tasks [--numbers 10000] [--speedup 10] [--dialect both|mysql|sqlite] [--claim-ahead on|off|compare [--rounds 1]] [--first-pass] [--against <ref> [--rounds 1]]
 */
import { spawn } from 'node:child_process';
import { Socket } from 'node:net';
import { loadavg } from 'node:os';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { PERMISSIONS } from '../src/domain/auth/permissions.js';
import { CallTaskPhoneSchema } from '../src/domain/call-tasks/call-task-phone.entity.js';
import { createCallTask, setCallTaskStatus } from '../src/domain/call-tasks/call-task.service.js';
import { runCallTask } from '../src/domain/call-tasks/dialler.js';
import { LineBook } from '../src/domain/call-tasks/line-book.js';
import { ConsentSchema } from '../src/domain/compliance/consent.entity.js';
import type { Clock } from '../src/domain/ports/clock.port.js';
import type { Dialect } from '../test/support/database.js';
import { GatewayDeviceSchema } from '../src/domain/voice-gateways/gateway-device.entity.js';
import { bootApp } from '../test/support/app.js';
import { switchSettings } from '../test/call-tasks/support/dialler-app.js';
import { recordingQueue } from '../test/call-tasks/support/movable-clock.js';
import { refTree } from './ref-tree.js';

export const description = 'call-task dialler: 10,000 numbers on 2 devices × 4 lines, in flight per device, CPS, line use, free→originate p50/p99, RSS';

const GATEWAYS = ['bench-a', 'bench-b'] as const;
const LINES = 4;
const CPS = 1;
const RING_SECONDS = 30;

const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))]! : NaN;
};
/** Wall-clock ms comparable across processes (the switch process stamps its side the same way). */
const wall = () => performance.timeOrigin + performance.now();
const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(0)} MB`;

/** A clock running `speedup` times faster than the wall clock from `start`. */
function compressedClock(startAt: Date, speedup: number): Clock & { toReal(simMs: number): number } {
  const realStart = Date.now();
  return {
    now: () => new Date(startAt.getTime() + (Date.now() - realStart) * speedup),
    toReal: (simMs) => simMs / speedup,
  };
}

/**
 * The line book the bench hands the dialler, recording per device the instants the CPS rule governs: each
 * originate handed to the switch (`sending`: the turn `sendTurn` takes) and the switch's acknowledgement of it,
 * which the device's next originate is paced from (LineBook.sendTurn).
 */
class PacedLineBook extends LineBook {
  readonly handedAt = new Map<number, number[]>();
  readonly acks = new Map<number, number[]>();
  override sending(deviceId: number): () => void {
    const at = performance.now();
    const acknowledged = super.sending(deviceId);
    push(this.handedAt, deviceId, at);
    let once = false;
    return () => {
      if (!once) push(this.acks, deviceId, performance.now());
      once = true;
      acknowledged();
    };
  }
}

function push<K>(map: Map<K, number[]>, key: K, value: number): void {
  const list = map.get(key) ?? [];
  map.set(key, list);
  list.push(value);
}

/**
 * The instant each originate's bytes were handed to a socket in this process, per gateway (esl writes a
 * command only after the previous command on its connection was answered, so a command may wait there).
 * Node's socket write is wrapped for the run; returns the restore function.
 */
function stampOriginateWrites(written: Map<string, number[]>): () => void {
  const write = Socket.prototype.write;
  Socket.prototype.write = function (this: Socket, chunk: unknown, ...rest: unknown[]) {
    if (typeof chunk === 'string' && chunk.startsWith('bgapi originate ')) {
      const gateway = /sofia\/gateway\/([^/\s]+)\//.exec(chunk)?.[1];
      if (gateway) push(written, gateway, performance.now());
    }
    return (write as (...a: unknown[]) => boolean).call(this, chunk, ...rest);
  } as typeof Socket.prototype.write;
  return () => {
    Socket.prototype.write = write;
  };
}

type Figures = { utilisation: number; p50: number; p99: number; beyondP50: number; beyondP99: number; originates: number; realMs: number; maxInFlight: number; cpsSent: number; peakRss: number; duplicates: number };

export async function run(args: string[]): Promise<void> {
  const { values } = parseArgs({
    args,
    options: { against: { type: 'string' }, numbers: { type: 'string', default: '10000' }, speedup: { type: 'string', default: '10' }, dialect: { type: 'string', default: 'both' }, 'claim-ahead': { type: 'string', default: 'on' }, 'first-pass': { type: 'boolean', default: false }, rounds: { type: 'string', default: '1' } },
  });
  const total = Number(values.numbers);
  const speedup = Number(values.speedup);
  const dialects: Dialect[] = values.dialect === 'both' ? ['sqlite', 'mysql'] : [values.dialect as Dialect];
  const ahead = values['claim-ahead'];
  const pass = { maxAttempts: values['first-pass'] ? 1 : undefined };
  if (values.against) return against(values.against, args, dialects, Number(values.rounds));
  if (ahead === 'compare') {
    // Off and on alternate `--rounds` times (the machine's load moves between runs); medians per mode.
    for (const dialect of dialects) {
      const offs: Figures[] = [];
      const ons: Figures[] = [];
      for (let round = 0; round < Number(values.rounds); round++) {
        offs.push(await measure(dialect, total, speedup, { ...pass, claimAhead: false }));
        ons.push(await measure(dialect, total, speedup, { ...pass, claimAhead: true }));
      }
      const med = (xs: Figures[], f: (x: Figures) => number) => pct(xs.map(f), 50);
      const both = (f: (x: Figures) => number) => [med(ons, f), med(offs, f)] as const;
      const r = ([on, off]: readonly [number, number]) => `${on.toFixed(1)} vs ${off.toFixed(1)} ms (${(off / on).toFixed(2)}× faster)`;
      const use = both((x) => x.utilisation * 100);
      console.log(
        [
          `${dialect}, claimed ahead against claimed when the line frees, in the same run (${ons.length} alternating rounds, medians): line freed → originate beyond the CPS wait`,
          `  p50 ${r(both((x) => x.beyondP50))}, p99 ${r(both((x) => x.beyondP99))}; line utilisation ${use[0].toFixed(1)} % vs ${use[1].toFixed(1)} %; duplicates ${ons.reduce((n, x) => n + x.duplicates, 0)} / ${offs.reduce((n, x) => n + x.duplicates, 0)}`,
        ].join('\n'),
      );
    }
    return;
  }
  const figures = new Map<Dialect, Figures>();
  for (const dialect of dialects) figures.set(dialect, await measure(dialect, total, speedup, { ...pass, claimAhead: ahead !== 'off' }));
  const a = figures.get('sqlite');
  const b = figures.get('mysql');
  if (a && b) {
    const r = (x: number, y: number) => `${(x / y).toFixed(2)}×`;
    console.log(
      [
        `MariaDB against SQLite in the same run: line utilisation ${(b.utilisation * 100).toFixed(1)} % vs ${(a.utilisation * 100).toFixed(1)} % (${r(b.utilisation, a.utilisation)}),`,
        `  line freed → originate p99 ${b.p99.toFixed(1)} vs ${a.p99.toFixed(1)} ms (${r(b.p99, a.p99)}), beyond the CPS wait p99 ${b.beyondP99.toFixed(1)} vs ${a.beyondP99.toFixed(1)} ms (${r(b.beyondP99, a.beyondP99)}),`,
        `  originates per real second ${(b.originates / (b.realMs / 1000)).toFixed(1)} vs ${(a.originates / (a.realMs / 1000)).toFixed(1)}`,
      ].join('\n'),
    );
  }
}

/** What the switch process saw (wall-clock ms comparable across processes). */
type SwitchReport = {
  originates: Array<{ at: number; gateway: string; uuid: string; destination: string; attempt: string }>;
  ends: Array<{ at: number; uuid: string }>;
  peak: Record<string, number>;
  peakRss: number;
};

/** The fake switch in its own process (test/call-tasks/support/fake-switch.main.ts), speaking ESL over TCP. */
async function startSwitch(speedup: number): Promise<{ port: number; password: string; report(): Promise<SwitchReport>; stop(): Promise<void> }> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'test/call-tasks/support/fake-switch.main.ts', '--gateways', GATEWAYS.join(','), '--speedup', String(speedup), '--ring', String(RING_SECONDS)], {
    stdio: ['ignore', 'pipe', 'inherit', 'ipc'],
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const first = await new Promise<{ port: number; password: string }>((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const line = out.split('\n')[0];
      if (out.includes('\n')) resolve(JSON.parse(line!) as { port: number; password: string });
    });
    child.once('exit', (code) => reject(new Error(`the switch process exited (${code}) before listening`)));
  });
  return {
    ...first,
    report: () =>
      new Promise((resolve) => {
        child.once('message', (m) => resolve(m as SwitchReport));
        child.send({ kind: 'report' });
      }),
    async stop() {
      if (child.exitCode === null) child.send({ kind: 'stop' });
      await exited;
    },
  };
}

async function measure(dialect: Dialect, total: number, speedup: number, options: { claimAhead: boolean; maxAttempts?: number }): Promise<Figures> {
  // 08:00 Beijing tomorrow: the day's calling window (08:00–21:00) is open for the whole run.
  const d = new Date();
  const clock = compressedClock(new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate() + 1, 0, 0, 0)), speedup);
  const sw = await startSwitch(speedup);
  const t = await bootApp(dialect, { ...switchSettings({ socket: sw }), CALL_TASK_CPS: String(CPS), CALL_TASK_RING_SECONDS: String(RING_SECONDS), CALL_TASK_CLAIM_AHEAD: String(options.claimAhead), LOG_LEVEL: 'silent' }, { clock }).catch(async (err: unknown) => {
    await sw.stop();
    throw err;
  });
  const { app } = t;
  await app.telephony!.events.ready();
  let peakRss = process.memoryUsage().rss;
  const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 100);
  const written = new Map<string, number[]>();
  const unstamp = stampOriginateWrites(written);
  const loads: number[] = [];
  // How late the app's event loop runs its timers: hang-up events, acknowledgements and originates wait that long.
  const loop = monitorEventLoopDelay({ resolution: 5 });
  loop.enable();
  const loadSampler = setInterval(() => loads.push(loadavg()[0]!), 10_000);
  try {
    const phones = Array.from({ length: total }, (_, i) => `137${String(i).padStart(8, '0')}`);
    const devices: Array<{ id: number; name: string }> = [];
    for (const name of GATEWAYS) {
      const em = app.orm.em.fork();
      const device = em.create(GatewayDeviceSchema, { name, host: '10.0.0.9', sipProfile: 'external', lineCount: LINES, status: 'online' });
      await em.flush();
      devices.push(device);
    }
    for (let i = 0; i < phones.length; i += 2000) {
      await app.orm.em.fork().insertMany(
        ConsentSchema,
        phones.slice(i, i + 2000).map((p) => ({ phone: `+86${p}`, phoneLast8: p.slice(-8), channel: 'call' as const, state: 'granted' as const, source: 'bench', recordedAt: new Date(0) })),
      );
    }
    const staff = await t.staffWithToken('manager', { name: '经理' });
    const actor = { staffId: staff.id, name: '经理', role: 'manager', permissions: new Set<string>(PERMISSIONS), channel: 'api' as const };
    const svc = { ...app.callTasks.deps, jobs: recordingQueue() };
    const { taskId } = await createCallTask(app.orm.em.fork(), svc, actor, { name: '基准', phoneNumbers: phones, callScript: '您好', mode: 'robot', deviceIds: devices.map((x) => x.id), ...(options.maxAttempts ? { maxAttempts: options.maxAttempts } : {}) });
    await setCallTaskStatus(app.orm.em.fork(), svc, actor, taskId, 'START');

    // The process's line book at the compressed pace (1 originate per simulated second per device).
    const lines = new PacedLineBook(CPS * speedup);
    // Where a freed line's time goes: the hangup reaching the dialler (by call id), then the dialler's own part.
    const heardAt = new Map<string, number>();
    app.telephony!.switch.onCallEnded((ended) => {
      heardAt.set(ended.callId, wall());
      lines.release(ended.callId);
    });
    const sentById = new Map<string, number>();
    const jobs = recordingQueue();
    const port = app.telephony!.switch;
    const timed: typeof port = {
      ...port,
      originate: (req) => {
        sentById.set(req.callId, wall());
        return port.originate(req);
      },
    };
    const deps = { ...app.callTasks.dialler(), lines, jobs, switch: timed };
    const started = wall();
    const simStarted = clock.now().getTime();
    let result: string;
    for (;;) {
      result = await runCallTask(deps, taskId, { budgetMs: 30 * 60_000 });
      if (result !== 'waiting' && result !== 'budget') break;
      const next = jobs.queued.at(-1)?.runAt?.getTime() ?? clock.now().getTime();
      const waitReal = clock.toReal(next - clock.now().getTime());
      if (waitReal > 0) await new Promise((r) => setTimeout(r, waitReal));
    }
    const realMs = wall() - started;
    loop.disable();
    const simMs = clock.now().getTime() - simStarted;
    const simEnd = clock.now();

    // The switch's view: every originate, its gateway and whether its number was dialled before, every line freed.
    const report = await sw.report();
    const endAt = new Map(report.ends.map((e) => [e.uuid, e.at]));
    const gatewayOf = new Map(report.originates.map((o) => [o.uuid, o.gateway]));
    const dialled = new Set<string>();
    const originates = report.originates.map((o) => {
      const first = !dialled.has(o.destination);
      dialled.add(o.destination);
      return { ...o, first, attempt: `${o.destination}#${o.attempt}`, end: endAt.get(o.uuid) };
    });
    const frees = report.ends.map((e) => ({ ...e, gateway: gatewayOf.get(e.uuid) ?? '' })).sort((x, y) => x.at - y.at);

    // Line use while numbers were never dialled yet (the first pass): busy line time / (8 lines × that span).
    const t0 = originates[0]!.at;
    const t1 = originates.filter((o) => o.first).at(-1)!.at;
    let busy = 0;
    for (const o of originates) {
      const end = o.end ?? t1;
      busy += Math.max(0, Math.min(end, t1) - Math.max(o.at, t0));
    }
    const utilisation = busy / (GATEWAYS.length * LINES * (t1 - t0));

    // Free → next originate on the same gateway, during the first pass (a number was always due).
    const gaps: number[] = [];
    const gapsBeyondCps: number[] = [];
    const hearing: number[] = [];
    const dialling: number[] = [];
    const wire: number[] = [];
    for (const g of GATEWAYS) {
      const mine = originates.filter((o) => o.gateway === g && o.at <= t1);
      const freed = frees.filter((f) => f.gateway === g && f.at < t1);
      let k = 0;
      for (const f of freed) {
        while (k < mine.length && mine[k]!.at < f.at) k++;
        const next = mine[k];
        if (!next) break;
        const prev = mine[k - 1];
        gaps.push(next.at - f.at);
        // Less the wait the CPS limit imposes (the previous originate's slot), what the code itself took.
        const slot = prev ? prev.at + 1000 / (CPS * speedup) : f.at;
        gapsBeyondCps.push(next.at - Math.max(f.at, slot));
        const heard = heardAt.get(f.uuid);
        const left = sentById.get(next.uuid);
        if (heard !== undefined && left !== undefined && left >= heard) {
          hearing.push(heard - f.at);
          dialling.push(left - heard);
          wire.push(next.at - left);
        }
        k++;
      }
    }

    // CPS: the most originates in any simulated second, per device — at three instants: the one the pacing rule
    // governs (the line book's `sent`), the bytes handed to the socket, and their arrival at the switch.
    const deviceOf = (g: string) => devices.find((x) => x.name === g)!.id;
    const paced = (g: string) => lines.handedAt.get(deviceOf(g)) ?? [];
    // The rule: an originate handed over no sooner than 1 / CPS after the switch acknowledged the device's previous one.
    const afterAck = (g: string) => {
      const handed = paced(g);
      const acks = [...(lines.acks.get(deviceOf(g)) ?? [])].sort((x, y) => x - y);
      let least = Infinity;
      for (const at of handed) {
        const before = acks.filter((a) => a <= at).at(-1);
        if (before !== undefined) least = Math.min(least, at - before);
      }
      return least;
    };
    const atSwitch = (g: string) => originates.filter((o) => o.gateway === g).map((o) => o.at);
    const perSecond = (ts: number[]) => {
      let best = 0;
      for (let i = 0, j = 0; i < ts.length; i++) {
        while (ts[i]! - ts[j]! >= 1000 / speedup) j++;
        best = Math.max(best, i - j + 1);
      }
      return best;
    };
    const closest = (ts: number[]) => ts.slice(1).reduce((m, t, i) => Math.min(m, t - ts[i]!), Infinity);
    const under = (ts: number[]) => ts.slice(1).filter((t, i) => t - ts[i]! < 1000 / (CPS * speedup)).length;
    const attempts = originates.map((o) => o.attempt);
    const uuids = originates.map((o) => o.uuid);
    const duplicates = attempts.length - new Set(attempts).size + (uuids.length - new Set(uuids).size);
    const final = await app.orm.em.fork().count(CallTaskPhoneSchema, { task: taskId, status: { $nin: ['pending', 'dialing', 'unknown'] } });
    const simRate = originates.length / (simMs / 1000);
    const beijing = (at: Date) => at.toLocaleTimeString('en-GB', { timeZone: 'Asia/Shanghai', hour: '2-digit', minute: '2-digit' });
    const load = loads.length ? `${Math.min(...loads).toFixed(1)}–${Math.max(...loads).toFixed(1)} (median ${pct(loads, 50).toFixed(1)})` : loadavg()[0]!.toFixed(1);

    console.log(
      [
        `call-task dialler on ${dialect} (claim ahead ${options.claimAhead ? 'on' : 'off'}${options.maxAttempts ? `, ${options.maxAttempts} attempt per number` : ''}): ${total.toLocaleString('en-US')} numbers, ${GATEWAYS.length} devices × ${LINES} lines, time ×${speedup}, the fake switch in its own process (result ${result}, ${final.toLocaleString('en-US')} numbers final)`,
        `  ${originates.length.toLocaleString('en-US')} originates in ${(realMs / 1000).toFixed(0)} s real = ${(simMs / 3_600_000).toFixed(2)} h simulated (08:00 → ${beijing(simEnd)} Beijing, inside the 08:00–21:00 window); load average during the run ${load}`,
        `  most calls in flight per device: ${Object.entries(report.peak).map(([g, n]) => `${g} ${n}`).join(', ')} (limit ${LINES}); line book peak ${[...lines.peak.values()].join(', ')}`,
        `  originates per simulated second per device (limit ${CPS}): handed to the switch (the instant the CPS rule governs: LineBook.sending, no sooner than 1 / CPS after the switch acknowledged the device's previous originate — least ${afterAck(GATEWAYS[0]).toFixed(2)} / ${afterAck(GATEWAYS[1]).toFixed(2)} real ms, 1 / CPS = ${(1000 / (CPS * speedup)).toFixed(0)}) max ${perSecond(paced(GATEWAYS[0]))} / ${perSecond(paced(GATEWAYS[1]))}, closest two ${closest(paced(GATEWAYS[0])).toFixed(2)} / ${closest(paced(GATEWAYS[1])).toFixed(2)} real ms; written to the socket max ${perSecond(written.get(GATEWAYS[0]) ?? [])} / ${perSecond(written.get(GATEWAYS[1]) ?? [])}; as they reached the switch max ${perSecond(atSwitch(GATEWAYS[0]))} / ${perSecond(atSwitch(GATEWAYS[1]))} (closest two ${closest(atSwitch(GATEWAYS[0])).toFixed(2)} / ${closest(atSwitch(GATEWAYS[1])).toFixed(2)} ms, ${under(atSwitch(GATEWAYS[0]))} / ${under(atSwitch(GATEWAYS[1]))} gaps under 1 / CPS, by the switch process's stamps); average ${simRate.toFixed(2)}/s for both`,
        `  line utilisation while undialled numbers remain: ${(utilisation * 100).toFixed(1)} % (aim ≥ 90 %)`,
        `  line freed → next originate on it: p50 ${pct(gaps, 50).toFixed(1)} ms, p99 ${pct(gaps, 99).toFixed(1)} ms real (n=${gaps.length}); beyond the CPS wait: p50 ${pct(gapsBeyondCps, 50).toFixed(1)} ms, p99 ${pct(gapsBeyondCps, 99).toFixed(1)} ms (aim p99 ≤ 20 ms)`,
        `    of which (hang-ups the dialler heard, n=${hearing.length}) the hang-up reaching the dialler p50 ${pct(hearing, 50).toFixed(1)} / p99 ${pct(hearing, 99).toFixed(1)} ms, the dialler (CPS wait, claim, originate) p50 ${pct(dialling, 50).toFixed(1)} / p99 ${pct(dialling, 99).toFixed(1)} ms, the originate reaching the switch p50 ${pct(wire, 50).toFixed(1)} / p99 ${pct(wire, 99).toFixed(1)} ms`,
        `  the app's event loop: timers late by p50 ${(loop.percentile(50) / 1e6 - 5).toFixed(1)} / p99 ${(loop.percentile(99) / 1e6 - 5).toFixed(1)} / max ${(loop.max / 1e6 - 5).toFixed(1)} ms (beyond their 5 ms sampling interval)`,
        `  peak RSS: the app ${mb(peakRss)}, the switch process ${mb(report.peakRss)}; duplicates (an attempt or call id originated twice): ${duplicates}`,
      ].join('\n'),
    );
    return {
      utilisation,
      p50: pct(gaps, 50),
      p99: pct(gaps, 99),
      beyondP50: pct(gapsBeyondCps, 50),
      beyondP99: pct(gapsBeyondCps, 99),
      originates: originates.length,
      realMs,
      maxInFlight: Math.max(...Object.values(report.peak)),
      cpsSent: Math.max(perSecond(paced(GATEWAYS[0])), perSecond(paced(GATEWAYS[1]))),
      peakRss,
      duplicates,
    };
  } finally {
    unstamp();
    clearInterval(sampler);
    clearInterval(loadSampler);
    await t.close();
    await sw.stop();
  }
}

/** The figures one run printed (the lines above), read back from its output. */
type Printed = { beyondP50: number; beyondP99: number; p99: number; utilisation: number; hearP99: number; diallerP99: number; wireP99: number; duplicates: number; load: string };

function printed(out: string): Printed {
  const num = (re: RegExp) => {
    const m = re.exec(out);
    if (!m) throw new Error(`the run printed no ${re.source}:\n${out.slice(-2000)}`);
    return Number(m[1]);
  };
  return {
    beyondP50: num(/beyond the CPS wait: p50 ([\d.]+) ms/),
    beyondP99: num(/beyond the CPS wait: p50 [\d.]+ ms, p99 ([\d.]+) ms/),
    p99: num(/next originate on it: p50 [\d.]+ ms, p99 ([\d.]+) ms/),
    utilisation: num(/undialled numbers remain: ([\d.]+) %/),
    hearP99: num(/reaching the dialler p50 [\d.]+ \/ p99 ([\d.]+) ms/),
    diallerP99: num(/the dialler \(CPS wait, claim, originate\) p50 [\d.]+ \/ p99 ([\d.]+) ms/),
    wireP99: num(/reaching the switch p50 [\d.]+ \/ p99 ([\d.]+) ms/),
    duplicates: num(/originated twice\): (\d+)/),
    load: /load average during the run ([^\n]+)/.exec(out)?.[1] ?? '?',
  };
}

/**
 * `--against <git ref>`: this tree against the code of <ref> in the same run — rounds alternate (which goes
 * first alternates too, the machine's load moves), each a child process running this benchmark with the same
 * arguments, <ref>'s in a copy of its tree (git archive, node_modules linked). Medians per side and their ratio.
 */
async function against(ref: string, args: string[], dialects: Dialect[], rounds: number): Promise<void> {
  const here = process.cwd();
  const { sha, dir: there } = refTree(ref, 'call-tasks');
  const rest = args.filter((a, i) => a !== '--against' && args[i - 1] !== '--against' && !a.startsWith('--against=') && a !== '--dialect' && args[i - 1] !== '--dialect' && a !== '--rounds' && args[i - 1] !== '--rounds');
  const once = (cwd: string, dialect: Dialect) =>
    new Promise<Printed>((resolveRun, reject) => {
      const child = spawn(process.execPath, [...process.execArgv, 'bench/run.ts', 'call-tasks', ...rest, '--dialect', dialect], { cwd, stdio: ['ignore', 'pipe', 'inherit'] });
      let out = '';
      child.stdout.on('data', (d: Buffer) => (out += d.toString()));
      child.once('exit', () => {
        try {
          resolveRun(printed(out));
        } catch (err) {
          reject(err);
        }
      });
    });
  for (const dialect of dialects) {
    const runs: Record<'now' | 'then', Printed[]> = { now: [], then: [] };
    for (let round = 0; round < rounds; round++) {
      const order: Array<'now' | 'then'> = round % 2 === 0 ? ['then', 'now'] : ['now', 'then'];
      for (const side of order) {
        const r = await once(side === 'now' ? here : there, dialect);
        runs[side].push(r);
        console.log(`  ${dialect} round ${round + 1} ${side === 'now' ? 'this tree' : sha}: beyond the CPS wait p50 ${r.beyondP50} / p99 ${r.beyondP99} ms, freed → originate p99 ${r.p99} ms, hang-up reaching the dialler p99 ${r.hearP99}, the dialler p99 ${r.diallerP99}, the originate reaching the switch p99 ${r.wireP99} ms, utilisation ${r.utilisation} %, duplicates ${r.duplicates}; load ${r.load}`);
      }
    }
    const med = (side: 'now' | 'then', f: (x: Printed) => number) => pct(runs[side].map(f), 50);
    const r = (f: (x: Printed) => number) => `${med('now', f).toFixed(1)} vs ${med('then', f).toFixed(1)} ms (${(med('then', f) / med('now', f)).toFixed(2)}×)`;
    console.log(
      [
        `${dialect}, this tree against ${sha} (${ref}) in the same run (${rounds} alternating rounds, medians): line freed → originate beyond the CPS wait`,
        `  p50 ${r((x) => x.beyondP50)}, p99 ${r((x) => x.beyondP99)}; freed → originate p99 ${r((x) => x.p99)}; hang-up reaching the dialler p99 ${r((x) => x.hearP99)}; utilisation ${med('now', (x) => x.utilisation).toFixed(1)} % vs ${med('then', (x) => x.utilisation).toFixed(1)} %; duplicates ${runs.now.reduce((n, x) => n + x.duplicates, 0)} / ${runs.then.reduce((n, x) => n + x.duplicates, 0)}`,
      ].join('\n'),
    );
  }
}
