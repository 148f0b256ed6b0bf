import { randomUUID } from 'node:crypto';
import { createServer, connect, type Server, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';

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

/** The switch side of inbound ESL (our client connects to it). */
export class FakeEventSocket {
  readonly commands: string[] = [];
  readonly sockets = new Set<Socket>();
  password = 'S3cret-pw';
  /** What a bgapi command's BACKGROUND_JOB body says; null: the result never comes (no BACKGROUND_JOB). */
  onBgapi: (command: string) => string | null = () => `+OK ${randomUUID()}\n`;
  #server: Server | undefined;
  #subscribed: Array<() => void> = [];

  get port(): number {
    return (this.#server!.address() as AddressInfo).port;
  }

  async start(port = 0): Promise<this> {
    this.#server = createServer((socket) => this.#accept(socket));
    await new Promise<void>((resolve) => this.#server!.listen(port, '127.0.0.1', resolve));
    return this;
  }

  #accept(socket: Socket): void {
    this.sockets.add(socket);
    socket.setNoDelay(true);
    socket.on('close', () => this.sockets.delete(socket));
    socket.on('error', () => undefined);
    socket.write('Content-Type: auth/request\n\n');
    const reader = new CommandReader((cmd) => {
      this.commands.push(cmd.line);
      if (cmd.line.startsWith('auth ')) {
        if (cmd.line === `auth ${this.password}`) socket.write(reply('+OK accepted'));
        else {
          socket.write(reply('-ERR invalid'));
          socket.end();
        }
      } else if (cmd.line.startsWith('event json')) {
        socket.write(reply('+OK event listener enabled json'));
        const waiting = this.#subscribed;
        this.#subscribed = [];
        for (const w of waiting) w();
      } else if (cmd.line.startsWith('bgapi ')) {
        const job = randomUUID();
        socket.write(reply(`+OK Job-UUID: ${job}`, { 'Job-UUID': job }));
        const result = this.onBgapi(cmd.line.slice('bgapi '.length));
        if (result !== null) setTimeout(() => socket.write(jsonEvent({ 'Event-Name': 'BACKGROUND_JOB', 'Job-UUID': job, 'Job-Command': cmd.line.split(' ')[1] ?? '', _body: result })), 5);
      } else {
        socket.write(reply('+OK'));
      }
    });
    socket.on('data', (chunk) => reader.push(chunk));
  }

  /** Resolves at the next `event json` subscription. */
  nextSubscription(): Promise<void> {
    return new Promise((resolve) => this.#subscribed.push(resolve));
  }

  /** Writes raw bytes to every connected client, optionally cut into pieces of `chunk` bytes. */
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
    this.dropAll();
    await new Promise<void>((resolve) => (this.#server ? this.#server.close(() => resolve()) : resolve()));
  }
}

export type Executed = { app: string; arg: string; at: number };

/**
 * A channel handed to our outbound-socket server, as FreeSWITCH's `socket … async full` does it:
 * it connects, answers `connect` with the channel data, acknowledges every command and reports each
 * executed application with CHANNEL_EXECUTE_COMPLETE (Application-UUID = the command's Event-UUID).
 */
export class FakeChannel {
  readonly executed: Executed[] = [];
  readonly commands: string[] = [];
  connectedAt = 0;
  #socket: Socket | undefined;
  #closed: Promise<void> | undefined;
  #waiters: Array<{ app: string; resolve: (e: Executed) => void }> = [];

  constructor(
    readonly uuid: string,
    readonly channelData: Record<string, string>,
    /** Extra variables reported when an application completes (e.g. bridge → DIALSTATUS). */
    readonly onExecute: (app: string, arg: string) => Record<string, string | undefined> | 'hangup' = () => ({}),
  ) {}

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
    const socket = this.#socket!;
    this.commands.push(cmd.line);
    if (cmd.line === 'connect') {
      socket.write(reply('+OK', { 'Socket-Mode': 'async', Control: 'full', 'Event-Name': 'CHANNEL_DATA', 'Unique-ID': this.uuid, ...this.channelData }));
      return;
    }
    if (!cmd.line.startsWith('sendmsg')) {
      socket.write(reply('+OK'));
      return;
    }
    socket.write(reply('+OK'));
    const command = cmd.headers['call-command'];
    if (command === 'hangup') {
      this.#record('hangup', cmd.headers['hangup-cause'] ?? '');
      setTimeout(() => socket.end(), 5);
      return;
    }
    const app = cmd.headers['execute-app-name'] ?? '';
    const arg = cmd.headers['execute-app-arg'] ?? '';
    this.#record(app, arg);
    const extra = this.onExecute(app, arg);
    if (extra === 'hangup') {
      setTimeout(() => socket.end(), 5);
      return;
    }
    const body = channelEvent('CHANNEL_EXECUTE_COMPLETE', this.uuid, {
      Application: app,
      'Application-Data': arg,
      'Application-UUID': cmd.headers['Event-UUID'] ?? '',
      'Application-Response': '_none_',
      ...extra,
    });
    setTimeout(() => socket.write(jsonEvent(body)), 1);
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
