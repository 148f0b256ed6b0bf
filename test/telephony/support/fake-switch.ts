import { randomUUID } from 'node:crypto';
import { EventEmitter } from 'node:events';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { createServer, connect, type Server, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { wavBytes } from '../../support/wav.js';

/**
 * FreeSWITCH's event socket as it is on the wire: header blocks ended by a blank line, bodies framed by
 * Content-Length (bytes), `auth/request`, `command/reply`, `api/response`, `text/event-json`.
 */
export type Command = { line: string; headers: Record<string, string> };

/** Splits a byte stream into command blocks (the direction client → switch). */
export class CommandReader {
  #buffer = '';
  constructor(private readonly onCommand: (cmd: Command) => void) {}
  push(chunk: Buffer): void {
    this.#buffer += chunk.toString('utf8');
    let end: number;
    while ((end = this.#buffer.indexOf('\n\n')) >= 0) {
      const block = this.#buffer.slice(0, end);
      this.#buffer = this.#buffer.slice(end + 2);
      const [line = '', ...rest] = block.split('\n');
      const headers: Record<string, string> = {};
      for (const h of rest) {
        const i = h.indexOf(': ');
        if (i > 0) headers[h.slice(0, i)] = h.slice(i + 2);
        else if (h.endsWith(':')) headers[h.slice(0, -1)] = '';
      }
      this.onCommand({ line, headers });
    }
  }
}

export function reply(text: string, extra: Record<string, string> = {}): string {
  return `Content-Type: command/reply\nReply-Text: ${text}\n${Object.entries(extra).map(([k, v]) => `${k}: ${v}\n`).join('')}\n`;
}

export function jsonEvent(body: Record<string, unknown>): string {
  const json = JSON.stringify(body);
  return `Content-Length: ${Buffer.byteLength(json)}\nContent-Type: text/event-json\n\n${json}`;
}

export function channelEvent(name: string, uuid: string, extra: Record<string, string> = {}): Record<string, string> {
  return { 'Event-Name': name, 'Unique-ID': uuid, 'Event-Date-Timestamp': String(Date.now() * 1000), ...extra };
}

/** How the far end of an `originate` behaves, scripted per destination number. */
export type OriginateOutcome =
  /**
   * The callee answers after `afterMs` (ringing until then); hangs up after `talkMs` (or when we hang up); presses `dtmf`
   * keys. `heldMenus`: each key menu (`play_and_get_digits`) waits for a key however long its timeout, so a test that
   * presses (`press`) once other things have happened never races the menu's real-time timeout.
   */
  | { kind: 'answer'; afterMs?: number; talkMs?: number; dtmf?: Array<{ atMs: number; digit: string }>; heldMenus?: boolean }
  /** USER_BUSY after `afterMs`. */
  | { kind: 'busy'; afterMs?: number }
  /** Rings until `originate_timeout` (or `ringMs`, if shorter), then NO_ANSWER. */
  | { kind: 'no_answer'; ringMs?: number }
  /** UNALLOCATED_NUMBER (空号). */
  | { kind: 'invalid' }
  /** The gateway or the line fails: `-ERR GATEWAY_DOWN` (no channel at all) or NORMAL_TEMPORARY_FAILURE. */
  | { kind: 'gateway_down'; cause?: 'GATEWAY_DOWN' | 'NORMAL_TEMPORARY_FAILURE' }
  /** Rings until the test calls `answer()` or `hangup()` (or originate_timeout passes). */
  | { kind: 'held' }
  /** The job's result never comes (no BACKGROUND_JOB), while the channel itself goes on as `then` says. */
  | { kind: 'lost'; then?: OriginateOutcome };

/** One `originate` the fake switch received, and what became of it. */
export class FakeOutboundCall {
  readonly events: string[] = [];
  answered = false;
  hangupCause: string | undefined;
  /** The BACKGROUND_JOB body sent (undefined while pending, or for ever when the result is lost). */
  result: string | undefined;
  /** Our outbound-socket session for `&socket(...)` calls, once answered. */
  channel: FakeChannel | undefined;
  readonly ended: Promise<void>;
  /** Set while a `held` call rings: answers it (the test's hand on the far end). */
  pickUp: ((talkMs?: number) => void) | undefined;
  /** Set once answered: the callee presses a key (a DTMF event, and the digit reaches the channel's applications). */
  press: ((digit: string) => void) | undefined;
  #end!: () => void;
  constructor(
    readonly jobUuid: string,
    readonly uuid: string,
    readonly endpoint: string,
    readonly destination: string,
    readonly vars: Record<string, string>,
    readonly app: string,
    readonly appArg: string,
    readonly outcome: OriginateOutcome,
    readonly startedAt = Date.now(),
    /** When its command was read off the socket (ms, performance.timeOrigin + performance.now()), before the switch replied to it. */
    readonly receivedAt = performance.timeOrigin + performance.now(),
  ) {
    this.ended = new Promise((resolve) => (this.#end = resolve));
  }
  markEnded(): void {
    this.#end();
  }
}

type Conn = { socket: Socket; authed: boolean; format: 'plain' | 'json' | undefined; events: Set<string>; filters: Array<[string, string]> };

const TTS_MODULES: Record<string, string> = { tts_commandline: 'mod_tts_commandline', flite: 'mod_flite', unimrcp: 'mod_unimrcp', cepstral: 'mod_cepstral' };

/**
 * The switch side of inbound ESL (our client connects to it), as strict as FreeSWITCH 1.10: commands only
 * after `auth`; an event reaches a connection only if it subscribed to that event name (`event plain|json
 * <names>` or `ALL`, BACKGROUND_JOB included) and passes its `filter`s, in the format it asked for;
 * `bgapi originate {vars}endpoint &app(args)` answers `+OK Job-UUID: <id>`, then the channel's events
 * (carrying the `{}` variables as `variable_<name>`) and a BACKGROUND_JOB with `+OK <uuid>` on answer or
 * `-ERR <CAUSE>`; what each destination does is scripted with `outcome()`.
 */
export class FakeEventSocket {
  readonly commands: string[] = [];
  readonly sockets = new Set<Socket>();
  readonly calls: FakeOutboundCall[] = [];
  /** Calls from outside handed to our outbound-socket server through `inbound()`, still up. */
  readonly inboundChannels = new Set<FakeChannel>();
  /** Loaded modules (`module_exists`); no text-to-speech engine unless a test loads one. */
  readonly modules = new Set(['mod_event_socket', 'mod_sofia', 'mod_dptools', 'mod_commands', 'mod_sndfile', 'mod_tone_stream', 'mod_dialplan_xml']);
  /** Sofia gateways and their state. */
  readonly gateways = new Map<string, 'UP' | 'DOWN'>([['dag1000', 'UP']]);
  password = 'S3cret-pw';
  /**
   * How the phones a `bridge` rings behave, by dial target (`user/8001`, `sofia/gateway/dag1000/139…`):
   * answer after `afterMs` and talk `talkMs`; a target not listed rings until its leg_timeout.
   */
  readonly phones = new Map<string, BridgePhone>();
  /** Real milliseconds per second of `leg_timeout` while nobody answers a bridge (time compressed). */
  msPerRingSecond = 10;
  /**
   * For `api`/`bgapi` commands the fake does not know: return the body (or a promise of it, for a command
   * that takes its time), or undefined for `-ERR … Command not found!`.
   */
  onApi: (command: string) => string | undefined | Promise<string | undefined> = () => undefined;
  /**
   * How long the switch takes to reply to a `bgapi` command (`+OK Job-UUID`), by command (a busy switch): the
   * job itself starts when the command arrives. Commands on one connection wait for the previous one's reply.
   */
  bgapiReplyAfterMs: (command: string) => number = () => 0;
  readonly coreUuid = randomUUID();
  /**
   * FreeSWITCH sends HEARTBEAT to its subscribers every 20 s (`event-heartbeat-interval`); our client drops
   * a connection that stays silent for 60 s. Read at start(); 0: none.
   */
  heartbeatMs = 20_000;
  #heartbeat: NodeJS.Timeout | undefined;
  #outcomes = new Map<string, OriginateOutcome>();
  #default: OriginateOutcome | ((destination: string) => OriginateOutcome) = { kind: 'answer', afterMs: 5, talkMs: 20 };
  #server: Server | undefined;
  #conns = new Set<Conn>();
  /**
   * The outbound sockets (`socket … async full`) of the channels still up. FreeSWITCH puts them on the one
   * listener list the inbound connections are on (mod_event_socket.c listener_run, cc93a683 line 2706), so every
   * event the switch fires is offered to them as well: see FakeChannel.deliver.
   */
  #listeners = new Set<FakeChannel>();
  #timers = new Set<NodeJS.Timeout>();
  #bus = new EventEmitter();
  /** The job result of a held call still ringing (a hangup before the answer completes it with -ERR). */
  #pending = new WeakMap<FakeOutboundCall, (body: string) => void>();

  get port(): number {
    return (this.#server!.address() as AddressInfo).port;
  }

  async start(port = 0): Promise<this> {
    this.#server = createServer((socket) => this.#accept(socket));
    if (this.heartbeatMs > 0) {
      const started = Date.now();
      this.#heartbeat = setInterval(() => this.emit({ 'Event-Name': 'HEARTBEAT', 'Core-UUID': this.coreUuid, 'Event-Date-Timestamp': micros(), 'Event-Info': 'System Ready', 'Up-Time': `0 years, 0 days, 0 hours, 0 minutes, ${Math.round((Date.now() - started) / 1000)} seconds` }), this.heartbeatMs);
      this.#heartbeat.unref();
    }
    await new Promise<void>((resolve) => this.#server!.listen(port, '127.0.0.1', resolve));
    return this;
  }

  /** Scripts what calling `destination` does (the number at the end of the endpoint); without one, the default. */
  outcome(destination: string | 'default', outcome: OriginateOutcome): this {
    if (destination === 'default') this.#default = outcome;
    else this.#outcomes.set(destination, outcome);
    return this;
  }

  /** The default drawn anew for every originate to a number not scripted (e.g. a seeded mix of callees). */
  outcomes(draw: (destination: string) => OriginateOutcome): this {
    this.#default = draw;
    return this;
  }

  /**
   * A call from outside reaching the 400 number: the switch hands its channel to our outbound-socket server
   * (`socket … async full`) and, as FreeSWITCH does, tells the event-socket subscribers about it: CHANNEL_BRIDGE
   * when a phone answers the bridge, and CHANNEL_HANGUP, CHANNEL_HANGUP_COMPLETE and CHANNEL_DESTROY when it
   * ends, however it ends (our `hangup`, the caller's `channel.hangup()`, the end of the bridged talk). The
   * events carry the channel's variables (`variable_salesops_call` …) as verbose_events does. A bridge rings
   * the `phones` (one not listed rings until its leg_timeout, `msPerRingSecond` each).
   */
  async inbound(port: number, uuid: string, channelData: Record<string, string>, onExecute?: ConstructorParameters<typeof FakeChannel>[2]): Promise<FakeChannel> {
    const channel: FakeChannel = new FakeChannel(uuid, channelData, onExecute, {
      phone: (target) => this.phones.get(target),
      msPerRingSecond: () => this.msPerRingSecond,
      modules: this.modules,
      emit: (name, extra) => this.#inboundEvent(channel, name, extra),
      heldMenus: false,
    });
    await channel.connect(port);
    this.inboundChannels.add(channel);
    this.#listeners.add(channel);
    void channel.closed().then(() => {
      this.inboundChannels.delete(channel);
      this.#listeners.delete(channel);
      const cause = channel.hangupCause ?? 'NORMAL_CLEARING';
      this.#inboundEvent(channel, 'CHANNEL_HANGUP', { 'Hangup-Cause': cause });
      this.#inboundEvent(channel, 'CHANNEL_HANGUP_COMPLETE', { 'Hangup-Cause': cause, variable_hangup_cause: cause });
      this.#inboundEvent(channel, 'CHANNEL_DESTROY');
    });
    return channel;
  }

  #inboundEvent(channel: FakeChannel, name: string, extra: Record<string, string> = {}): void {
    // Channel data arrives URL-encoded on the socket; events in JSON carry the plain values.
    const data = Object.fromEntries(Object.entries(channel.channelData).map(([k, v]) => [k, decodedHeader(v)]));
    this.emit({
      ...data,
      'Event-Name': name,
      'Core-UUID': this.coreUuid,
      'FreeSWITCH-Hostname': 'fake-switch',
      'Event-Date-Timestamp': micros(),
      'Unique-ID': channel.uuid,
      'Channel-Name': `sofia/external/${data['Caller-Caller-ID-Number'] ?? 'unknown'}`,
      'Call-Direction': 'inbound',
      'Answer-State': name.startsWith('CHANNEL_HANGUP') || name === 'CHANNEL_DESTROY' ? 'hangup' : channel.answered ? 'answered' : 'ringing',
      ...prefixed(channel.vars),
      ...extra,
    });
  }

  // ---- event-driven helpers for tests ----

  /** Resolves at the next `event …` subscription. */
  nextSubscription(): Promise<void> {
    return new Promise((resolve) => this.#bus.once('subscribed', () => resolve()));
  }

  /** Resolves with the first command (already received or coming) matching `pattern`. */
  waitForCommand(pattern: RegExp): Promise<string> {
    const seen = this.commands.find((c) => pattern.test(c));
    if (seen) return Promise.resolve(seen);
    return new Promise((resolve) => {
      const on = (line: string) => {
        if (!pattern.test(line)) return;
        this.#bus.off('command', on);
        resolve(line);
      };
      this.#bus.on('command', on);
    });
  }

  /** Resolves with the n-th originate (1-based, default the next one not yet seen by this call). */
  waitForOriginate(n = this.calls.length + 1): Promise<FakeOutboundCall> {
    const have = this.calls[n - 1];
    if (have) return Promise.resolve(have);
    return new Promise((resolve) => {
      const on = () => {
        const c = this.calls[n - 1];
        if (!c) return;
        this.#bus.off('originate', on);
        resolve(c);
      };
      this.#bus.on('originate', on);
    });
  }

  /** Resolves when an event named `name` (for `uuid`, if given) has been sent out. */
  waitForEvent(name: string, uuid?: string): Promise<Record<string, string>> {
    return new Promise((resolve) => {
      const on = (e: Record<string, string>) => {
        if (e['Event-Name'] !== name || (uuid && e['Unique-ID'] !== uuid)) return;
        this.#bus.off('event', on);
        resolve(e);
      };
      this.#bus.on('event', on);
    });
  }

  /** How many connections are subscribed to `name` right now. */
  subscribers(name: string): number {
    return [...this.#conns].filter((c) => c.format && (c.events.has('ALL') || c.events.has(name))).length;
  }

  // ---- sending ----

  /**
   * Sends an event as the switch does: only to connections subscribed to it, in their format — the inbound
   * connections and every channel's outbound socket alike, whichever channel the event is of.
   */
  emit(event: Record<string, string>): void {
    this.#bus.emit('event', event);
    for (const conn of this.#conns) {
      if (!conn.format || !(conn.events.has('ALL') || conn.events.has(event['Event-Name'] ?? ''))) continue;
      if (conn.filters.length > 0 && !conn.filters.some(([h, v]) => event[h] === v)) continue;
      conn.socket.write(conn.format === 'json' ? jsonEvent(event) : plainEvent(event));
    }
    for (const channel of this.#listeners) channel.deliver(event);
  }

  /** Writes raw bytes to every connected client (framing tests), optionally cut into pieces of `chunk` bytes. */
  async write(data: string | Buffer, options: { chunk?: number; delayMs?: number } = {}): Promise<void> {
    const bytes = typeof data === 'string' ? Buffer.from(data) : data;
    for (const socket of this.sockets) {
      if (!options.chunk) {
        socket.write(bytes);
        continue;
      }
      for (let i = 0; i < bytes.length; i += options.chunk) {
        socket.write(bytes.subarray(i, i + options.chunk));
        if (options.delayMs) await new Promise((r) => setTimeout(r, options.delayMs));
      }
    }
  }

  /** Drops every connection (a switch restart). */
  dropAll(): void {
    for (const s of this.sockets) s.destroy();
  }

  async stop(): Promise<void> {
    clearInterval(this.#heartbeat);
    for (const t of this.#timers) clearTimeout(t);
    this.#timers.clear();
    for (const c of this.calls) c.channel?.hangup();
    for (const c of this.inboundChannels) c.hangup();
    this.dropAll();
    await new Promise<void>((resolve) => (this.#server ? this.#server.close(() => resolve()) : resolve()));
  }

  // ---- the wire ----

  #accept(socket: Socket): void {
    const conn: Conn = { socket, authed: false, format: undefined, events: new Set(), filters: [] };
    this.sockets.add(socket);
    this.#conns.add(conn);
    socket.setNoDelay(true);
    socket.on('close', () => {
      this.sockets.delete(socket);
      this.#conns.delete(conn);
    });
    socket.on('error', () => undefined);
    socket.write('Content-Type: auth/request\n\n');
    const reader = new CommandReader((cmd) => this.#onCommand(conn, cmd));
    socket.on('data', (chunk) => reader.push(chunk));
  }

  #onCommand(conn: Conn, cmd: Command): void {
    const receivedAt = performance.timeOrigin + performance.now();
    const { socket } = conn;
    const line = cmd.line.trim();
    this.commands.push(line);
    this.#bus.emit('command', line);
    if (!conn.authed) {
      if (!line.startsWith('auth ')) return void socket.write(reply('-ERR command not found'));
      if (line === `auth ${this.password}`) {
        conn.authed = true;
        socket.write(reply('+OK accepted'));
      } else {
        socket.write(reply('-ERR invalid'));
        socket.end('Content-Type: text/disconnect-notice\nContent-Length: 0\n\n');
      }
      return;
    }
    const [verb = '', ...args] = line.split(/\s+/);
    switch (verb) {
      case 'event': {
        const [format, ...names] = args;
        if (format !== 'plain' && format !== 'json') return void socket.write(reply('-ERR invalid format'));
        conn.format = format;
        for (const n of names) conn.events.add(n);
        socket.write(reply(`+OK event listener enabled ${format}`));
        this.#bus.emit('subscribed');
        return;
      }
      case 'nixevent':
        for (const n of args) conn.events.delete(n);
        return void socket.write(reply('+OK events nixed'));
      case 'noevents':
        conn.events.clear();
        conn.format = undefined;
        return void socket.write(reply('+OK no longer listening for events'));
      case 'filter': {
        const [header = '', ...value] = args;
        conn.filters.push([header, value.join(' ')]);
        return void socket.write(reply(`+OK filter added. [${header}]=[${value.join(' ')}]`));
      }
      case 'api':
        return void this.#api(args.join(' ')).then((body) => socket.write(apiResponse(body)));
      case 'bgapi': {
        const job = cmd.headers['Job-UUID'] ?? randomUUID();
        const command = args.join(' ');
        const replyAfter = this.bgapiReplyAfterMs(command);
        if (replyAfter > 0) this.#later(replyAfter, () => socket.write(reply(`+OK Job-UUID: ${job}`, { 'Job-UUID': job })));
        else socket.write(reply(`+OK Job-UUID: ${job}`, { 'Job-UUID': job }));
        void this.#api(command, job, receivedAt).then((body) => {
          if (body === LOST) return;
          this.emit({ 'Event-Name': 'BACKGROUND_JOB', 'Core-UUID': this.coreUuid, 'Event-Date-Timestamp': micros(), 'Job-UUID': job, 'Job-Command': command.split(' ')[0]!, 'Job-Command-Arg': command.split(' ').slice(1).join(' '), _body: body });
        });
        return;
      }
      case 'exit':
        socket.write(reply('+OK bye'));
        socket.end('Content-Type: text/disconnect-notice\nContent-Length: 0\n\n');
        return;
      case 'log':
      case 'nolog':
      case 'linger':
      case 'nolinger':
      case 'myevents':
      case 'divert_events':
        return void socket.write(reply('+OK'));
      default:
        return void socket.write(reply('-ERR command not found'));
    }
  }

  /** The body of an api command (for bgapi: the BACKGROUND_JOB body, or LOST when it never comes). */
  async #api(command: string, job?: string, receivedAt?: number): Promise<string> {
    const [name = '', ...args] = command.split(/\s+/);
    const call = (uuid: string | undefined) => this.calls.find((c) => c.uuid === uuid && !c.hangupCause);
    switch (name) {
      case 'originate':
        return this.#originate(command.slice('originate'.length).trim(), job ?? randomUUID(), receivedAt);
      case 'module_exists':
        return String(this.modules.has(args[0] ?? ''));
      case 'uuid_exists':
        return String(Boolean(call(args[0])));
      case 'uuid_kill': {
        const c = call(args[0]);
        if (!c) return '-ERR No such channel!\n';
        this.#hangup(c, args[1] ?? 'NORMAL_CLEARING');
        return '+OK\n';
      }
      case 'uuid_getvar': {
        const c = call(args[0]);
        if (!c) return '-ERR No such channel!\n';
        return c.vars[args[1] ?? ''] ?? '_undef_';
      }
      case 'hupall':
        for (const c of this.calls.filter((x) => !x.hangupCause)) this.#hangup(c, args[0] ?? 'MANAGER_REQUEST');
        return '+OK hangup all channels with cause ' + (args[0] ?? 'MANAGER_REQUEST') + '\n';
      case 'sofia': {
        const gw = args[0] === 'status' && args[1] === 'gateway' ? this.gateways.get(args[2] ?? '') : undefined;
        if (!gw) return 'Invalid Gateway!\n';
        return `Name    \t${args[2]}\nState   \t${gw === 'UP' ? 'REGED' : 'FAIL_WAIT'}\nStatus  \t${gw}\n`;
      }
      case 'status':
        return 'UP 0 years, 0 days, 1 hour, 0 minutes\nFreeSWITCH (Version 1.10.12-release 64bit) is ready\n';
      case 'show':
        if (args.join(' ') === 'channels count') return `\n${this.calls.filter((c) => !c.hangupCause).length} total.\n`;
        break;
      default:
        break;
    }
    return (await this.onApi(command)) ?? `-ERR ${name} Command not found!\n`;
  }

  #originate(rest: string, job: string, receivedAt?: number): Promise<string> {
    const parsed = parseOriginate(rest);
    if (!parsed) return Promise.resolve('-USAGE: <call url> <exten>|&<application_name>(<app_args>) [<dialplan>] [<context>] [<cid_name>] [<cid_num>] [<timeout_sec>]\n');
    const { vars, endpoint, app, appArg } = parsed;
    const destination = endpoint.split('/').at(-1) ?? '';
    const uuid = vars['origination_uuid'] ?? randomUUID();
    let outcome = this.#outcomes.get(destination) ?? (typeof this.#default === 'function' ? this.#default(destination) : this.#default);
    const lost = outcome.kind === 'lost';
    if (outcome.kind === 'lost') outcome = outcome.then ?? { kind: 'answer', afterMs: 5, talkMs: 20 };
    const call = new FakeOutboundCall(job, uuid, endpoint, destination, vars, app, appArg, outcome, Date.now(), receivedAt);
    this.calls.push(call);
    this.#bus.emit('originate', call);
    const timeoutMs = Number(vars['originate_timeout'] ?? 60) * 1000;

    return new Promise<string>((resolve) => {
      const finish = (body: string) => {
        call.result = lost ? undefined : body;
        resolve(lost ? LOST : body);
      };
      const gateway = /^sofia\/gateway\/([^/]+)\//.exec(endpoint)?.[1];
      if (gateway !== undefined && !this.gateways.has(gateway)) return finish('-ERR INVALID_GATEWAY\n');
      if ((gateway && this.gateways.get(gateway) === 'DOWN') || (outcome.kind === 'gateway_down' && (outcome.cause ?? 'GATEWAY_DOWN') === 'GATEWAY_DOWN')) {
        call.hangupCause = 'GATEWAY_DOWN';
        call.markEnded();
        return finish('-ERR GATEWAY_DOWN\n');
      }
      this.#channelEvent(call, 'CHANNEL_CREATE');
      const fail = (cause: string, afterMs: number) =>
        this.#later(afterMs, () => {
          this.#hangup(call, cause);
          finish(`-ERR ${cause}\n`);
        });
      switch (outcome.kind) {
        case 'invalid':
          return fail('UNALLOCATED_NUMBER', 2);
        case 'gateway_down':
          return fail('NORMAL_TEMPORARY_FAILURE', 2);
        case 'busy':
          this.#channelEvent(call, 'CHANNEL_PROGRESS');
          return fail('USER_BUSY', outcome.afterMs ?? 5);
        case 'no_answer':
          this.#channelEvent(call, 'CHANNEL_PROGRESS');
          return fail('NO_ANSWER', Math.min(outcome.ringMs ?? timeoutMs, timeoutMs));
        case 'held':
          this.#channelEvent(call, 'CHANNEL_PROGRESS');
          call.pickUp = (talkMs = 60 * 60_000) => this.#answer(call, { talkMs }, finish);
          this.#pending.set(call, finish);
          this.#later(timeoutMs, () => call.answered || call.hangupCause || (this.#hangup(call, 'NO_ANSWER'), finish('-ERR NO_ANSWER\n')));
          return;
        case 'answer': {
          this.#channelEvent(call, 'CHANNEL_PROGRESS');
          const afterMs = outcome.afterMs ?? 5;
          if (afterMs > timeoutMs) return fail('NO_ANSWER', timeoutMs);
          this.#later(afterMs, () => this.#answer(call, outcome, finish));
          return;
        }
        default:
          return;
      }
    });
  }

  #answer(call: FakeOutboundCall, outcome: { talkMs?: number; dtmf?: Array<{ atMs: number; digit: string }> }, finish: (body: string) => void): void {
    if (call.answered || call.hangupCause) return;
    const { talkMs = 20, dtmf = [] } = outcome;
    call.answered = true;
    call.pickUp = undefined;
    this.#pending.delete(call);
    this.#channelEvent(call, 'CHANNEL_ANSWER');
    this.#executeOnAnswer(call);
    finish(`+OK ${call.uuid}\n`);
    call.press = (digit) => {
      if (call.hangupCause) return;
      // The switch reports the key as a DTMF event (to subscribers only) and hands it to the running application.
      this.#channelEvent(call, 'DTMF', { 'DTMF-Digit': digit, 'DTMF-Duration': '2000', 'DTMF-Source': 'RTP' });
      call.channel?.dtmf(digit);
    };
    this.#runApp(call);
    for (const key of dtmf) this.#later(key.atMs, () => call.press?.(key.digit));
    this.#later(talkMs, () => call.hangupCause || this.#hangup(call, 'NORMAL_CLEARING'));
  }

  /**
   * `execute_on_answer` (`<app> <args>`, a `{}` variable of the originate): the switch runs the application when the
   * callee answers. `record_session` creates its folders and the recording.
   */
  #executeOnAnswer(call: FakeOutboundCall): void {
    const spec = call.vars['execute_on_answer']?.trim();
    if (!spec) return;
    const [app = '', ...rest] = spec.split(/\s+/);
    const arg = rest.join(' ');
    this.#channelEvent(call, 'CHANNEL_EXECUTE', { Application: app, 'Application-Data': arg });
    if (app === 'record_session') {
      const path = rest[0]!;
      mkdirSync(dirname(path), { recursive: true });
      writeFileSync(path, wavBytes(8000));
    }
    this.#channelEvent(call, 'CHANNEL_EXECUTE_COMPLETE', { Application: app, 'Application-Data': arg, 'Application-Response': '_none_' });
  }

  /** The far end (or the network) hangs up `call` now, with `cause`. */
  hangup(call: FakeOutboundCall, cause = 'NORMAL_CLEARING'): void {
    this.#hangup(call, cause);
  }

  /** The application runs on the answered channel: `socket` hands it to our outbound-socket server. */
  #runApp(call: FakeOutboundCall): void {
    this.#channelEvent(call, 'CHANNEL_EXECUTE', { Application: call.app, 'Application-Data': call.appArg });
    if (call.app === 'speak') {
      const engine = call.appArg.split('|')[0] ?? '';
      if (!this.modules.has(TTS_MODULES[engine] ?? `mod_${engine}`)) {
        // "Invalid TTS module" — the application fails and the callee is hung up at once.
        this.#channelEvent(call, 'CHANNEL_EXECUTE_COMPLETE', { Application: 'speak', 'Application-Data': call.appArg, 'Application-Response': '_none_' });
        this.#hangup(call, 'NORMAL_CLEARING');
      }
      return;
    }
    if (call.app === 'socket') {
      // mod_event_socket's `socket <host:port> [async] [full]`: the words after the address, in any case and order.
      const [hostPort = '', ...flags] = call.appArg.split(' ').filter(Boolean);
      const port = Number(hostPort.split(':')[1]);
      const has = (flag: string) => flags.some((f) => f.toLowerCase() === flag);
      const data = { 'Caller-Destination-Number': call.destination, 'Call-Direction': 'outbound', 'Answer-State': 'answered', ...prefixed(call.vars) };
      const world = {
        phone: (target: string) => this.phones.get(target),
        msPerRingSecond: () => this.msPerRingSecond,
        modules: this.modules,
        emit: (name: string, extra: Record<string, string>) => this.#channelEvent(call, name, extra),
        heldMenus: call.outcome.kind === 'answer' && call.outcome.heldMenus === true,
      };
      const channel = new FakeChannel(call.uuid, data, () => ({}), world, { async: has('async'), full: has('full') });
      call.channel = channel;
      this.#listeners.add(channel);
      const gone = () => this.#listeners.delete(channel);
      void channel.connect(port).then(
        () => channel.closed().then(() => (gone(), call.hangupCause || this.#hangup(call, channel.hangupCause ?? 'NORMAL_CLEARING'))),
        () => (gone(), this.#hangup(call, 'DESTINATION_OUT_OF_ORDER')),
      );
    }
  }

  #hangup(call: FakeOutboundCall, cause: string): void {
    if (call.hangupCause) return;
    call.hangupCause = cause;
    const billsec = call.answered ? '1' : '0';
    this.#channelEvent(call, 'CHANNEL_HANGUP', { 'Hangup-Cause': cause });
    this.#channelEvent(call, 'CHANNEL_HANGUP_COMPLETE', { 'Hangup-Cause': cause, variable_hangup_cause: cause, variable_billsec: billsec, variable_answer_epoch: call.answered ? String(Math.floor(Date.now() / 1000)) : '0' });
    this.#channelEvent(call, 'CHANNEL_DESTROY');
    call.channel?.hangup();
    call.markEnded();
    const pending = this.#pending.get(call);
    this.#pending.delete(call);
    pending?.(`-ERR ${cause}\n`);
  }

  #channelEvent(call: FakeOutboundCall, name: string, extra: Record<string, string> = {}): void {
    call.events.push(name);
    const state = call.hangupCause ? 'hangup' : call.answered ? 'answered' : name === 'CHANNEL_CREATE' ? 'ringing' : 'early';
    this.emit({
      'Event-Name': name,
      'Core-UUID': this.coreUuid,
      'FreeSWITCH-Hostname': 'fake-switch',
      'Event-Date-Timestamp': micros(),
      'Unique-ID': call.uuid,
      'Channel-Name': call.endpoint,
      'Call-Direction': 'outbound',
      'Answer-State': state,
      'Caller-Destination-Number': call.destination,
      'Caller-Caller-ID-Number': call.vars['origination_caller_id_number'] ?? '0000000000',
      ...prefixed(call.vars),
      // Variables the call's applications set (multiset, play_and_get_digits …) travel on its later events.
      ...prefixed(call.channel?.vars ?? {}),
      ...extra,
    });
  }

  #later(ms: number, fn: () => unknown): void {
    const t = setTimeout(() => {
      this.#timers.delete(t);
      fn();
    }, ms);
    this.#timers.add(t);
  }
}

const LOST = '\u0000lost';


function decodedHeader(v: string): string {
  try {
    return decodeURIComponent(v);
  } catch {
    return v;
  }
}

function defined(event: Record<string, string | undefined>): Record<string, string> {
  return Object.fromEntries(Object.entries(event).filter((e): e is [string, string] => e[1] !== undefined));
}

function micros(): string {
  return String(Date.now() * 1000);
}

function prefixed(vars: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(vars).map(([k, v]) => [`variable_${k}`, v]));
}

function apiResponse(body: string): string {
  return `Content-Type: api/response\nContent-Length: ${Buffer.byteLength(body)}\n\n${body}`;
}

/** text/event-plain: URL-encoded header lines, the body (if any) framed by its own Content-Length. */
export function plainEvent(event: Record<string, string>): string {
  const { _body: body, ...headers } = event;
  let text = Object.entries(headers).map(([k, v]) => `${k}: ${encodeURIComponent(v)}\n`).join('');
  text += body === undefined ? '\n' : `Content-Length: ${Buffer.byteLength(body)}\n\n${body}`;
  return `Content-Length: ${Buffer.byteLength(text)}\nContent-Type: text/event-plain\n\n${text}`;
}

/**
 * `[{vars}|[vars]]endpoint &app(args)` or `endpoint <extension> [dialplan] [context]`. Variables are
 * comma-separated `name=value`; a value may be quoted with single quotes to hold commas.
 */
export function parseOriginate(rest: string): { vars: Record<string, string>; endpoint: string; app: string; appArg: string } | undefined {
  // As `originate` reads its line: split on spaces outside single quotes, then quotes stripped and escapes read.
  const [first = '', target = ''] = splitBlank(rest).map(cleanupArgument);
  const vars: Record<string, string> = {};
  let s = first;
  while (s.startsWith('{') || s.startsWith('[')) {
    const close = s.indexOf(s[0] === '{' ? '}' : ']');
    if (close < 0) return undefined;
    for (const pair of splitVars(s.slice(1, close))) {
      const eq = pair.indexOf('=');
      if (eq > 0) vars[pair.slice(0, eq).trim()] = pair.slice(eq + 1);
    }
    s = s.slice(close + 1);
  }
  if (!s || !target) return undefined;
  if (target.startsWith('&') && target.length > 1) {
    // mod_commands: the application's name up to `(`, its argument up to the first `)` (or the end).
    const open = target.indexOf('(');
    if (open < 0) return { vars, endpoint: s, app: target.slice(1), appArg: '' };
    const closeParen = target.indexOf(')', open);
    return { vars, endpoint: s, app: target.slice(1, open), appArg: target.slice(open + 1, closeParen < 0 ? undefined : closeParen) };
  }
  return { vars, endpoint: s, app: 'transfer', appArg: target };
}

/** switch_utils.c `separate_string_blank_delim`: runs of spaces separate, a single quote toggles, a backslash steps over the next character. */
function splitBlank(line: string): string[] {
  const out: string[] = [];
  let cur: string | null = null;
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i]!;
    if (cur === null) {
      if (ch === ' ') continue;
      cur = '';
    }
    if (ch === '\\') {
      cur += ch + (line[i + 1] ?? '');
      i++;
    } else if (ch === "'") {
      quoted = !quoted;
      cur += ch;
    } else if (ch === ' ' && !quoted) {
      out.push(cur);
      cur = null;
    } else cur += ch;
  }
  if (cur !== null) out.push(cur);
  return out;
}

const UNESCAPED: Record<string, string> = { n: '\n', r: '\r', t: '\t', s: ' ' };

/** switch_utils.c `cleanup_separated_string`: quotes with a partner are dropped, `\'` `\"` `\\` `\n` … read, ends trimmed. */
function cleanupArgument(token: string): string {
  let out = '';
  let quoted = false;
  for (let i = 0; i < token.length; i++) {
    const ch = token[i]!;
    const next = token[i + 1];
    if (ch === '\\' && next !== undefined && (next === "'" || next === '"' || next === '\\' || next in UNESCAPED)) {
      out += UNESCAPED[next] ?? next;
      i++;
    } else if (ch === "'" && (quoted || token.indexOf("'", i + 1) >= 0)) quoted = !quoted;
    else out += ch;
  }
  return out.trim();
}

function splitVars(text: string): string[] {
  const out: string[] = [];
  let cur = '';
  let quoted = false;
  for (const ch of text) {
    if (ch === "'") quoted = !quoted;
    if (ch === ',' && !quoted) {
      out.push(cur);
      cur = '';
    } else cur += ch;
  }
  if (cur) out.push(cur);
  return out;
}

export type Executed = { app: string; arg: string; at: number };

/** A phone a `bridge` rings: answers after `afterMs` (or never) and talks `talkMs` before hanging up. */
export type BridgePhone = { answer: boolean; afterMs?: number; talkMs?: number };

/** What a channel placed by `originate` knows of its switch (phones for bridge, modules, events). */
export type ChannelWorld = {
  phone(target: string): BridgePhone | undefined;
  msPerRingSecond(): number;
  modules: ReadonlySet<string>;
  /** Sends a channel event of the call on the event socket (to subscribers). */
  emit(name: string, extra: Record<string, string>): void;
  /** Whether a key menu waits for its key however long its timeout (the outcome's `heldMenus`). */
  heldMenus: boolean;
};

/** The event names `myevents` subscribes to (mod_event_socket.c parse_command, cc93a683 lines 2104-2126). */
const MYEVENTS = ['CHANNEL_ANSWER', 'CHANNEL_APPLICATION', 'CHANNEL_BRIDGE', 'CHANNEL_CREATE', 'CHANNEL_DATA', 'CHANNEL_DESTROY', 'CHANNEL_EXECUTE', 'CHANNEL_EXECUTE_COMPLETE', 'CHANNEL_HANGUP', 'CHANNEL_HANGUP_COMPLETE', 'CHANNEL_ORIGINATE', 'CHANNEL_UUID', 'CHANNEL_OUTGOING', 'CHANNEL_PARK', 'CHANNEL_PROGRESS', 'CHANNEL_PROGRESS_MEDIA', 'CHANNEL_STATE', 'CHANNEL_UNBRIDGE', 'CHANNEL_UNPARK', 'DETECTED_SPEECH', 'DTMF', 'NOTALK', 'TALK'];

/**
 * Commands an outbound socket takes without `full` (mod_event_socket.c `parse_command`: everything after
 * `sendmsg` — api, bgapi, event, linger, log … — answers `-ERR command not found` on a single-channel socket).
 */
const SINGLE_CHANNEL_COMMANDS = new Set(['exit', 'filter', 'resume', 'connect', 'getvar', 'myevents', 'divert_events', 'sendmsg']);

/** The words after the address of the `socket` application (mod_event_socket.c `socket_function`). */
export type SocketMode = { async: boolean; full: boolean };

/**
 * A channel handed to our outbound-socket server, as FreeSWITCH's `socket <host:port> [async] [full]` does it:
 * it connects, answers `connect` with the channel data (`Socket-Mode: async|static`, `Control:
 * full|single-channel`) and reports each executed application with CHANNEL_EXECUTE_COMPLETE (Application-UUID
 * = the command's Event-UUID) to every subscriber; its socket gets the events it subscribed to (`event <format>
 * <names>`, or `myevents`) of every channel, in its format, through its `filter`s (deliver). As mod_event_socket.c: without `full` only the single-channel commands
 * (SINGLE_CHANNEL_COMMANDS) are taken, the rest (`event`, `api`, `bgapi`, `linger` …) answer `-ERR command not
 * found`; without `async` the socket runs in the channel's thread: one command at a time, and `sendmsg execute`
 * runs the application before it replies (`+OK` once the application has completed, its events after).
 */
export class FakeChannel {
  readonly executed: Executed[] = [];
  readonly commands: string[] = [];
  connectedAt = 0;
  /** The cause the channel ended with: our `hangup` command's, or the switch's own (e.g. a failed `record`). */
  hangupCause: string | undefined;
  /** Channel variables set by `set`/`multiset`/`export` (and the channel data's `variable_*`). */
  readonly vars: Record<string, string> = {};
  /** Whether the caller's leg is answered (the 400 dialplan answers before the IVR). */
  answered: boolean;
  /** What the caller heard while `bridge` rang the team: the tone/file, or 'silence'. */
  ringbackHeard: string | undefined;
  /** Errors the switch logged for this channel (e.g. `Error Opening File`). */
  readonly errors: string[] = [];
  #socket: Socket | undefined;
  #closed: Promise<void> | undefined;
  #waiters: Array<{ app: string; resolve: (e: Executed) => void }> = [];
  /** Keys pressed and not yet taken by an application. */
  #digits: string[] = [];
  #onDigit: (() => void) | undefined;
  /** Event names this socket subscribed to (`event json …`, or the channel events `myevents` names), in `#format`. */
  #events = new Set<string>();
  #format: 'plain' | 'json' = 'plain';
  #myEvents = false;
  #filters: Array<[string, string]> = [];
  /** Without `async`: the command being handled (the next waits for it). */
  #turn: Promise<void> = Promise.resolve();
  /** Who answered the bridge (its dial target), once someone did. */
  bridgedTo: string | undefined;
  /** Every event written to this socket, in order (whichever channel it was of). */
  readonly received: Array<Record<string, string>> = [];
  /** Every prompt played or spoken, in order (`playback` files, `speak` texts, `play_and_get_digits` files). */
  readonly heard: string[] = [];

  constructor(
    readonly uuid: string,
    readonly channelData: Record<string, string>,
    /** Extra variables reported when an application completes (e.g. bridge → DIALSTATUS). */
    readonly onExecute: (app: string, arg: string) => Record<string, string | undefined> | 'hangup' = () => ({}),
    /** For a channel the fake switch placed (`originate … &socket`): bridge, keys and TTS behave as on the switch. */
    readonly world?: ChannelWorld,
    /** The dialplan's `socket … async full` unless the channel was handed over otherwise. */
    readonly mode: SocketMode = { async: true, full: true },
  ) {
    this.answered = channelData['Answer-State'] === 'answered';
    for (const [k, v] of Object.entries(channelData)) if (k.startsWith('variable_')) this.vars[k.slice('variable_'.length)] = v;
  }

  connect(port: number): Promise<void> {
    const socket = connect({ port, host: '127.0.0.1', noDelay: true });
    this.#socket = socket;
    socket.on('error', () => undefined);
    this.#closed = new Promise((resolve) => socket.once('close', () => resolve()));
    return new Promise((resolve) => {
      socket.once('connect', () => {
        this.connectedAt = performance.now();
        resolve();
      });
      const reader = new CommandReader((cmd) => this.#onCommand(cmd));
      socket.on('data', (chunk) => reader.push(chunk));
    });
  }

  #onCommand(cmd: Command): void {
    // Without `async` the channel's thread reads the next command only once this one (its application) is done.
    if (this.mode.async) void this.#handle(cmd);
    else this.#turn = this.#turn.then(() => this.#handle(cmd));
  }

  /** Resolves once the command is done (for `sendmsg execute`: once its application has completed). */
  async #handle(cmd: Command): Promise<void> {
    const socket = this.#socket!;
    this.commands.push(cmd.line);
    const [verb = '', ...args] = cmd.line.split(/\s+/);
    if (verb === 'connect') {
      const mode = { 'Socket-Mode': this.mode.async ? 'async' : 'static', Control: this.mode.full ? 'full' : 'single-channel' };
      socket.write(reply('+OK', { ...mode, 'Event-Name': 'CHANNEL_DATA', 'Unique-ID': this.uuid, ...this.channelData }));
      return;
    }
    if (!this.mode.full && !SINGLE_CHANNEL_COMMANDS.has(verb)) return void socket.write(reply('-ERR command not found'));
    if (verb !== 'sendmsg') {
      const [format, ...names] = args;
      if (verb === 'event' && (format === 'json' || format === 'plain')) {
        this.#format = format;
        for (const n of names) this.#events.add(n);
      }
      if (verb === 'myevents') {
        this.#myEvents = true;
        for (const n of MYEVENTS) this.#events.add(n);
        if (/json/i.test(cmd.line)) this.#format = 'json';
      }
      if (verb === 'filter' && args[0]) this.#filters.push([args[0], args.slice(1).join(' ')]);
      socket.write(reply('+OK'));
      return;
    }
    // With `async` the application is queued and the reply comes at once; without, it runs first.
    const replied = () => socket.write(reply('+OK'));
    if (this.mode.async) replied();
    const command = cmd.headers['call-command'];
    if (command === 'hangup') {
      this.hangupCause = cmd.headers['hangup-cause'] || 'NORMAL_CLEARING';
      this.#record('hangup', cmd.headers['hangup-cause'] ?? '');
      if (!this.mode.async) replied();
      setTimeout(() => socket.end(), 5);
      return;
    }
    const app = cmd.headers['execute-app-name'] ?? '';
    const arg = cmd.headers['execute-app-arg'] ?? '';
    this.#record(app, arg);
    const builtIn = this.#run(app, arg);
    if (builtIn === 'hangup') {
      setTimeout(() => socket.end(), 5);
      return;
    }
    const scripted = this.onExecute(app, arg);
    if (scripted === 'hangup') {
      setTimeout(() => socket.end(), 5);
      return;
    }
    const complete = (extra: Record<string, string | undefined>) => {
      if (!this.mode.async) replied();
      const body = channelEvent('CHANNEL_EXECUTE_COMPLETE', this.uuid, {
        Application: app,
        'Application-Data': arg,
        'Application-UUID': cmd.headers['Event-UUID'] ?? '',
        'Application-Response': '_none_',
        ...extra,
      });
      // On a switch (verbose_events: the channel's variables travel on the event) it goes to every subscriber.
      setTimeout(() => (this.world ? this.world.emit('CHANNEL_EXECUTE_COMPLETE', defined(body)) : this.deliver(defined(body))), 1);
    };
    const running = this.world ? this.#runLong(app, arg) : undefined;
    if (!running) return complete({ ...builtIn, ...scripted });
    const result = await running;
    if (result === 'closed') return;
    complete({ ...builtIn, ...result, ...scripted });
    if (app === 'bridge' && result['variable_DIALSTATUS'] === 'SUCCESS' && this.vars['hangup_after_bridge'] === 'true') {
      // hangup_after_bridge: the call ends when the bridged talk ends.
      this.hangupCause = 'NORMAL_CLEARING';
      setTimeout(() => socket.end(), 5);
    }
  }

  /**
   * An event the switch fired, of this channel or of any other, offered to this socket as mod_event_socket.c
   * `event_handler` offers it to every listener (signalwire/freeswitch cc93a683, lines 308-383): sent if the
   * socket subscribed to its name (`event <format> <names>|ALL`, parse_command lines 2465-2545, taken on an
   * outbound socket only with `full`, line 2236), if a `filter` matches when there are any (lines 320-373),
   * and — only after `myevents` (lines 2063-2131) — if it is this channel's (Unique-ID, or Job-Owner-UUID)
   * (lines 375-383). Nothing else ties an outbound socket to its channel: `full` with `event` and no filter
   * receives every channel's events.
   */
  deliver(event: Record<string, string>): void {
    const name = event['Event-Name'] ?? '';
    if (!this.#events.has('ALL') && !this.#events.has(name)) return;
    if (this.#filters.length > 0 && !this.#filters.some(([h, v]) => event[h]?.toLowerCase() === v.toLowerCase())) return;
    if (this.#myEvents && event['Unique-ID'] !== this.uuid && event['Job-Owner-UUID'] !== this.uuid) return;
    if (!this.#socket?.writable) return;
    this.received.push(event);
    this.#socket.write(this.#format === 'json' ? jsonEvent(event) : plainEvent(event));
  }

  /**
   * A key the callee pressed, into the digit buffer applications read. On a switch the switch reports it
   * (a DTMF event to every subscriber, FakeOutboundCall.press); a channel alone reports it to its own socket.
   */
  dtmf(digit: string): void {
    this.#digits.push(digit);
    this.#onDigit?.();
    if (!this.world) this.deliver(channelEvent('DTMF', this.uuid, { 'DTMF-Digit': digit, 'DTMF-Duration': '2000', 'DTMF-Source': 'RTP' }));
  }

  /** Waits up to `ms` (null: for ever) for a key; null when none comes (or the channel closes). */
  #nextDigit(ms: number | null): Promise<string | null> {
    return new Promise((resolve) => {
      const take = () => {
        const d = this.#digits.shift();
        if (d === undefined) return false;
        clearTimeout(timer);
        this.#onDigit = undefined;
        resolve(d);
        return true;
      };
      const timer =
        ms === null
          ? undefined
          : setTimeout(() => {
              this.#onDigit = undefined;
              resolve(null);
            }, ms);
      if (!take()) this.#onDigit = () => void take();
      // A hangup ends the menu at once, as on the switch (a held menu has no timeout to end it).
      void this.closed().then(() => {
        clearTimeout(timer);
        this.#onDigit = undefined;
        resolve(null);
      });
    });
  }

  /** A sound file the switch must open: an absolute path that does not exist fails as FreeSWITCH does. */
  #play(file: string): string {
    this.heard.push(file);
    if (file.startsWith('/') && !existsSync(file)) {
      this.errors.push(`Can't open file ${file}`);
      return 'FILE NOT FOUND';
    }
    return 'FILE PLAYED';
  }

  /** Applications that take time on a placed channel; undefined for the rest (they complete at once). */
  #runLong(app: string, arg: string): Promise<Record<string, string> | 'closed'> | undefined {
    const world = this.world!;
    const closed = this.closed().then(() => 'closed' as const);
    const race = (p: Promise<Record<string, string>>) => Promise.race([p, closed]);
    switch (app) {
      case 'playback':
        return race(Promise.resolve({ 'Application-Response': this.#play(arg) }));
      case 'speak': {
        const [engine = '', , ...text] = arg.split('|');
        if (!world.modules.has(TTS_MODULES[engine] ?? `mod_${engine}`)) {
          this.errors.push(`Invalid TTS module ${engine}`);
          return race(Promise.resolve({ 'Application-Response': 'TTS MODULE NOT FOUND' }));
        }
        this.heard.push(`speak:${text.join('|')}`);
        return race(Promise.resolve({}));
      }
      case 'play_and_get_digits': {
        // <min> <max> <tries> <timeout> <terminators> <file> <invalid_file> <var_name> <regexp>
        const [, , tries = '1', timeout = '5000', , file = '', , varName = '', regexp = '.*'] = arg.split(/\s+/);
        this.#play(file);
        this.#digits = [];
        return race(
          (async () => {
            const pattern = new RegExp(regexp);
            for (let i = 0; i < Number(tries); i++) {
              const d = await this.#nextDigit(world.heldMenus ? null : Number(timeout));
              if (d === null) continue;
              if (pattern.test(d)) {
                this.vars[varName] = d;
                return { [`variable_${varName}`]: d };
              }
              this.vars[`${varName}_invalid`] = d;
            }
            return {};
          })(),
        );
      }
      case 'bridge':
        return race(this.#bridge(arg));
      default:
        return undefined;
    }
  }

  /** `bridge`: steps (`|`) one after another, legs (`,`) of a step together, each with its leg_timeout. */
  async #bridge(arg: string): Promise<Record<string, string>> {
    const world = this.world!;
    const steps = arg.split('|').map((step) =>
      step.split(',').map((leg) => {
        const m = /^\[leg_timeout=(\d+)\](.+)$/.exec(leg.trim());
        return { timeoutSec: Number(m?.[1] ?? 60), target: m?.[2] ?? leg.trim() };
      }),
    );
    const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
    for (const legs of steps) {
      const ringMs = Math.max(...legs.map((l) => l.timeoutSec)) * world.msPerRingSecond();
      const answering = legs
        .map((l) => ({ l, phone: world.phone(l.target) }))
        .filter((x) => x.phone?.answer && (x.phone.afterMs ?? 5) < x.l.timeoutSec * world.msPerRingSecond())
        .sort((a, b) => (a.phone!.afterMs ?? 5) - (b.phone!.afterMs ?? 5));
      const first = answering[0];
      if (!first) {
        await sleep(ringMs);
        continue;
      }
      await sleep(first.phone!.afterMs ?? 5);
      this.bridgedTo = first.l.target;
      this.vars['bridge_channel'] = first.l.target;
      this.vars['bridge_epoch'] = String(Math.floor(Date.now() / 1000));
      world.emit('CHANNEL_BRIDGE', { 'Other-Leg-Channel-Name': first.l.target, 'Other-Leg-Destination-Number': first.l.target.split('/').at(-1) ?? '' });
      await sleep(first.phone!.talkMs ?? 20);
      world.emit('CHANNEL_UNBRIDGE', { 'Other-Leg-Channel-Name': first.l.target });
      return { variable_DIALSTATUS: 'SUCCESS', variable_originate_disposition: 'SUCCESS' };
    }
    return { variable_DIALSTATUS: 'NOANSWER', variable_originate_disposition: 'NO_ANSWER' };
  }

  /** What FreeSWITCH itself does for the applications whose effect matters to the caller. */
  #run(app: string, arg: string): Record<string, string> | 'hangup' {
    switch (app) {
      case 'answer':
        this.answered = true;
        return {};
      case 'set':
      case 'export': {
        const eq = arg.indexOf('=');
        if (eq > 0) this.vars[arg.slice(0, eq)] = arg.slice(eq + 1);
        return {};
      }
      case 'multiset':
        for (const pair of arg.split(/\s+/)) {
          const eq = pair.indexOf('=');
          if (eq > 0) this.vars[pair.slice(0, eq)] = pair.slice(eq + 1);
        }
        return {};
      case 'hangup':
        // The application completes, then the channel is torn down and the socket closed.
        this.hangupCause = arg || 'NORMAL_CLEARING';
        setTimeout(() => this.#socket?.end(), 20);
        return {};
      case 'record_session': {
        // record_session creates the folders it needs; the file grows while the call lasts.
        const path = arg.split(/\s+/)[0]!;
        mkdirSync(dirname(path), { recursive: true });
        if (this.world) writeFileSync(path, wavBytes(8000));
        return {};
      }
      case 'bridge':
        this.ringbackHeard = (this.answered ? this.vars['transfer_ringback'] : this.vars['ringback']) ?? 'silence';
        return {};
      case 'record': {
        // `record` does not create folders: the file cannot be opened and the switch hangs up the caller.
        const path = arg.split(/\s+/)[0]!;
        if (!existsSync(dirname(path))) {
          this.errors.push(`Error Opening File ${path}`);
          this.hangupCause = 'DESTINATION_OUT_OF_ORDER';
          return 'hangup';
        }
        writeFileSync(path, Buffer.alloc(1024));
        return { variable_record_seconds: '9' };
      }
      default:
        return {};
    }
  }

  #record(app: string, arg: string): void {
    const e = { app, arg, at: performance.now() };
    this.executed.push(e);
    this.#waiters = this.#waiters.filter((w) => (w.app === app ? (w.resolve(e), false) : true));
  }

  /** Resolves when the application runs (or ran). */
  waitFor(app: string): Promise<Executed> {
    const done = this.executed.find((e) => e.app === app);
    if (done) return Promise.resolve(done);
    return new Promise((resolve) => this.#waiters.push({ app, resolve }));
  }

  closed(): Promise<void> {
    return this.#closed ?? Promise.resolve();
  }

  hangup(): void {
    this.#socket?.destroy();
  }
}

/** The settings that point the app's event-socket client at a fake switch (its outbound socket on a free port). */
export function switchEnv(fs: { port: number; password: string }): Record<string, string> {
  return { FREESWITCH_ESL_HOST: '127.0.0.1', FREESWITCH_ESL_PORT: String(fs.port), FREESWITCH_ESL_PASSWORD: fs.password, FREESWITCH_SOCKET_PORT: '0' };
}
