import { randomUUID } from 'node:crypto';
import { Socket } from 'node:net';
import { FreeSwitchError, FreeSwitchResponse } from 'esl';
import type { Logger } from '../logging/logger.js';
import { eslLogger } from './esl-logger.js';

export type SwitchEvent = { name: string; body: Record<string, unknown> };

/**
 * The events we need: channel life cycle, keys pressed, recordings, heartbeats (for the watchdog) and
 * BACKGROUND_JOB — FreeSWITCH sends an event only to connections subscribed to it, so without it a
 * `bgapi` never learns its result.
 */
export const SUBSCRIBED_EVENTS = ['CHANNEL_CREATE', 'CHANNEL_ANSWER', 'CHANNEL_BRIDGE', 'CHANNEL_HANGUP_COMPLETE', 'DTMF', 'RECORD_STOP', 'HEARTBEAT', 'BACKGROUND_JOB'] as const;

/**
 * Why a bgapi command has no result: `unavailable` (it never reached the switch), `refused` (the switch
 * answered `-ERR` and started nothing) or `lost` (accepted, but its result did not come back: the job may
 * be running — e.g. the call was placed and answered).
 */
export class SwitchCommandError extends Error {
  constructor(
    readonly kind: 'unavailable' | 'refused' | 'lost',
    message: string,
    readonly jobUuid?: string,
  ) {
    super(message);
    this.name = 'SwitchCommandError';
  }
}

export type EventClientOptions = {
  host: string;
  port: number;
  password: string;
  logger: Logger;
  onEvent(event: SwitchEvent): void | Promise<unknown>;
  /** Called after each successful subscribe (the first connect and every reconnect); its failures are logged. */
  onSubscribed?(): void | Promise<unknown>;
  events?: readonly (typeof SUBSCRIBED_EVENTS)[number][];
  /** Backoff between attempts: doubles from minBackoffMs up to maxBackoffMs (kept below 3 s). */
  minBackoffMs?: number;
  maxBackoffMs?: number;
  /** Each step of connect/auth/subscribe must answer within this. */
  stepTimeoutMs?: number;
  /** No byte from the switch for this long (it sends HEARTBEAT every 20 s) → reconnect. */
  idleTimeoutMs?: number;
};

export type EventClientStats = { connects: number; events: number; handlerErrors: number; malformed: number; pending: number };

export type EventClient = {
  start(): void;
  stop(): Promise<void>;
  /** Resolves once subscribed (the first time, or again after a reconnect). */
  ready(timeoutMs?: number): Promise<void>;
  connected(): boolean;
  /**
   * bgapi over the live connection: the BACKGROUND_JOB event, or a SwitchCommandError saying why not.
   * `onAccepted` is called once the switch's reply to the command itself (`+OK Job-UUID`) was read, or the
   * command failed before one came: from then on the switch has the command, or never will.
   */
  bgapi(command: string, timeoutMs: number, onAccepted?: () => void): Promise<{ body: Record<string, unknown>; jobUuid: string }>;
  /** A short `api` command's reply body (e.g. `module_exists mod_flite` → `true`); throws when not connected, on `-ERR` or after timeoutMs. */
  api(command: string, timeoutMs: number): Promise<string>;
  stats: EventClientStats;
};

/**
 * Inbound event-socket client built on esl's FreeSwitchResponse (its framing and command queue) with our
 * own connection loop: esl's FreeSwitchClient backs off to 5 s+ and never resets, and announces `connect`
 * even after a failed auth. Here every step has a timeout, the backoff stays under 3 s, a silent socket is
 * dropped, malformed frames are logged, and a throwing handler never reaches the socket.
 */
export function createEventClient(options: EventClientOptions): EventClient {
  const log = options.logger.child({ component: 'esl-client', host: options.host, port: options.port });
  // BACKGROUND_JOB always: bgapi results arrive only on a subscribed connection.
  const events = [...new Set([...(options.events ?? SUBSCRIBED_EVENTS), 'BACKGROUND_JOB'] as const)];
  const minBackoff = options.minBackoffMs ?? 100;
  const maxBackoff = Math.min(options.maxBackoffMs ?? 2000, 2500);
  const stepTimeout = options.stepTimeoutMs ?? 2000;
  const idleTimeout = options.idleTimeoutMs ?? 60_000;
  const stats: EventClientStats = { connects: 0, events: 0, handlerErrors: 0, malformed: 0, pending: 0 };
  let running = false;
  let backoff = minBackoff;
  let current: { socket: Socket; call: FreeSwitchResponse; subscribed: boolean } | undefined;
  let retryTimer: NodeJS.Timeout | undefined;
  let idleTimer: NodeJS.Timeout | undefined;
  let waiters: Array<() => void> = [];

  const deliver = (name: string, body: Record<string, unknown>) => {
    stats.events++;
    try {
      const result = options.onEvent({ name, body });
      if (result && typeof (result as Promise<void>).then === 'function') {
        stats.pending++;
        (result as Promise<void>).then(
          () => stats.pending--,
          (err: unknown) => {
            stats.pending--;
            stats.handlerErrors++;
            log.error({ err, event: name }, 'switch event handler failed');
          },
        );
      }
    } catch (err) {
      stats.handlerErrors++;
      log.error({ err, event: name }, 'switch event handler failed');
    }
  };

  const scheduleReconnect = (reason: string) => {
    if (!running || retryTimer) return;
    const delay = backoff;
    backoff = Math.min(backoff * 2, maxBackoff);
    log.warn({ reason, retryInMs: delay }, 'event socket down, reconnecting');
    retryTimer = setTimeout(() => {
      retryTimer = undefined;
      connect();
    }, delay);
  };

  const armIdle = (socket: Socket) => {
    clearTimeout(idleTimer);
    idleTimer = setTimeout(() => {
      log.warn({ idleMs: idleTimeout }, 'no data from the switch: dropping the connection');
      socket.destroy();
    }, idleTimeout);
    idleTimer.unref();
  };

  function connect(): void {
    if (!running) return;
    const socket = new Socket();
    const call = new FreeSwitchResponse(socket, eslLogger(options.logger));
    const conn = { socket, call, subscribed: false };
    current = conn;
    let closed = false;
    socket.on('data', () => armIdle(socket));
    socket.once('close', () => {
      closed = true;
      clearTimeout(idleTimer);
      if (current === conn) current = undefined;
      scheduleReconnect(conn.subscribed ? 'connection closed' : 'connect failed');
    });
    socket.on('error', (err) => log.debug({ err: err.message }, 'event socket error'));
    socket.on('warning', (w: unknown) => {
      stats.malformed++;
      log.warn({ warning: String(w).slice(0, 300) }, 'event socket: incomplete frame at end of stream');
    });
    for (const kind of ['error.missing-content-type', 'error.unhandled-content-type', 'error.invalid-json', 'error.missing-event-name'] as const) {
      call.on(kind, (err: Error) => {
        stats.malformed++;
        log.warn({ kind, err: String(err).slice(0, 300) }, 'malformed frame from the switch ignored');
      });
    }
    for (const name of events) call.on(name, (data) => deliver(name, data.body as Record<string, unknown>));
    call.on('freeswitch_rude_rejection', () => log.error('switch rejected us (rude rejection): check event_socket.conf.xml apply-inbound-acl'));
    socket.once('connect', () => {
      void (async () => {
        try {
          await call.onceAsync('freeswitch_auth_request', stepTimeout, 'auth request');
          await withTimeout(call.auth(options.password), stepTimeout, 'auth');
          await withTimeout(call.event_json(...events), stepTimeout, 'subscribe');
          if (closed || !running) return;
          conn.subscribed = true;
          stats.connects++;
          backoff = minBackoff;
          log.info({ events }, 'event socket connected and subscribed');
          const w = waiters;
          waiters = [];
          for (const resolve of w) resolve();
          if (options.onSubscribed) {
            void Promise.resolve()
              .then(() => options.onSubscribed?.())
              .catch((err: unknown) => log.error({ err }, 'event socket: after-connect check failed'));
          }
        } catch (err) {
          log.error({ err: describe(err) }, 'event socket handshake failed');
          socket.destroy();
        }
      })();
    });
    armIdle(socket);
    socket.connect({ host: options.host, port: options.port });
  }

  return {
    stats,
    start() {
      if (running) return;
      running = true;
      connect();
    },
    async stop() {
      running = false;
      clearTimeout(retryTimer);
      clearTimeout(idleTimer);
      retryTimer = undefined;
      const conn = current;
      current = undefined;
      if (conn) {
        const closed = new Promise<void>((resolve) => (conn.socket.closed ? resolve() : conn.socket.once('close', () => resolve())));
        conn.socket.destroy();
        await closed;
      }
    },
    connected: () => Boolean(current?.subscribed),
    ready(timeoutMs = 5000) {
      if (current?.subscribed) return Promise.resolve();
      return withTimeout(new Promise<void>((resolve) => waiters.push(resolve)), timeoutMs, 'event socket ready');
    },
    async api(command, timeoutMs) {
      const conn = current;
      if (!conn?.subscribed) throw new SwitchCommandError('unavailable', 'event socket not connected');
      try {
        const res = await withTimeout(conn.call.api(command, timeoutMs), timeoutMs + 500, `api ${command.split(' ')[0]}`);
        return res.body.trim();
      } catch (err) {
        throw new SwitchCommandError('refused', `api ${command.split(' ')[0]} failed: ${describe(err)}`);
      }
    },
    async bgapi(command, timeoutMs, onAccepted) {
      const conn = current;
      const verb = command.split(' ')[0];
      if (!conn?.subscribed) {
        onAccepted?.();
        throw new SwitchCommandError('unavailable', 'event socket not connected');
      }
      // Our own Job-UUID (FreeSWITCH takes it from the header), so the result can be awaited before it is sent.
      const jobUuid = randomUUID();
      try {
        await withTimeout(conn.call.send(`bgapi ${command}`, { 'Job-UUID': jobUuid }, stepTimeout), stepTimeout + 500, `bgapi ${verb} reply`).finally(() => onAccepted?.());
      } catch (err) {
        if (err instanceof FreeSwitchError && err.args['when'] === 'command reply') throw new SwitchCommandError('refused', `switch refused bgapi ${verb}: ${String(err.args['reply'])}`, jobUuid);
        if (err instanceof FreeSwitchError && /closed socket/.test(String(err.args['when']))) throw new SwitchCommandError('unavailable', 'event socket closed', jobUuid);
        // Written but not acknowledged: the switch may have started the job.
        throw new SwitchCommandError('lost', `no reply to bgapi ${verb}: ${describe(err)}`, jobUuid);
      }
      try {
        const res = await withTimeout(conn.call.waitAsync(`BACKGROUND_JOB ${jobUuid}`, timeoutMs, verb ?? ''), timeoutMs + 500, `bgapi ${verb}`);
        return { body: res.body as Record<string, unknown>, jobUuid };
      } catch (err) {
        // esl's FreeSwitchTimeout carries no `message`; a closed socket ends the wait too. Either way the job runs on.
        throw new SwitchCommandError('lost', `result of bgapi ${verb} not received: ${describe(err)}`, jobUuid);
      }
    },
  };
}

function withTimeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout;
  return Promise.race([
    p.finally(() => clearTimeout(timer)),
    new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`${what} timed out after ${ms} ms`)), ms);
    }),
  ]);
}

/** The reason of a failed step, without the password esl puts in the failing `auth` command. */
function describe(err: unknown): string {
  const text =
    err && typeof err === 'object' && 'args' in err ? JSON.stringify((err as { args: unknown }).args) : err instanceof Error ? err.message || String(err) : String(err);
  return text.replace(/auth [^"\s]+/g, 'auth ***').slice(0, 300);
}
