import { mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import { FreeSwitchServer, type FreeSwitchResponse } from 'esl';
import type { Logger } from '../logging/logger.js';
import type { InboundCallResult } from '../domain/calls/inbound-call.service.js';
import { maskPhone } from '../domain/shared/phone.js';
import { bridgeString } from './bridge-string.js';
import { eslLogger } from './esl-logger.js';
import { runTaskCall, type TaskCallHooks } from './task-call-flow.js';
import { recordingPath } from './recording-path.js';

export type CallServerOptions = {
  host: string;
  port: number;
  gateway: string;
  recordingsDir: string;
  voicemail: { greeting: string; maxSeconds: number };
  /** What callers hear while the team's phones ring: a tone (`%(1000,4000,450)`, the Chinese ring tone) or a sound file. */
  ringback: string;
  commandTimeoutMs: number;
  timeZone: string;
  logger: Logger;
  /** The domain's handling of a new 400 call (identify, plan, screen-pop, store). */
  onCall(call: { uuid: string; callerNumber: string; calleeNumber: string; ivrChoice: string | null; receivedAt: Date }): Promise<InboundCallResult>;
  /** Answered calls of call tasks (`originate … &socket(…)`, tagged `salesops_call=outbound`); none: hung up. */
  taskCalls?: TaskCallHooks;
  /** The switch's own TTS (`<engine>|<voice>`) for task-call prompts without a prepared WAV. */
  tts?: string;
};

export type CallServer = { port(): number; close(graceMs?: number): Promise<void>; stats: { calls: number; failed: number } };

const SAFE_UUID = /^[A-Za-z0-9-]{8,64}$/;
/** Ring time is bounded by the plan; a bridged call may talk for hours before `bridge` returns. */
const TALK_LIMIT_MS = 4 * 3_600_000;

/** Where a call flow was when the switch closed the control socket (it does so when the channel hangs up). */
type Stage = 'setup' | 'bridge' | 'voicemail' | 'prompt';
const ENDED_DURING: Record<Stage, string> = {
  setup: 'caller hung up before being connected',
  prompt: 'callee hung up during a prompt',
  bridge: 'call ended while ringing or talking (the switch closed the socket before reporting the bridge; the hangup event settles the call)',
  voicemail: 'caller hung up during the voicemail',
};
/** Per-day folders the switch writes into: group-writable, new files keep the folder's group (setgid). */
const SHARED_FOLDER_MODE = 0o2770;

/**
 * The outbound-socket server the dialplan hands each 400 call to (`socket 127.0.0.1:8084 async full`).
 * Per call: ask the domain for the plan, then answer, tag the channel (so the event client can find it),
 * record once bridged, bridge along the plan, and on failure take a voicemail and hang up.
 */
export async function startCallServer(options: CallServerOptions): Promise<CallServer> {
  const log = options.logger.child({ component: 'call-server' });
  const server = new FreeSwitchServer({ all_events: false, my_events: true, logger: eslLogger(options.logger) });
  const stats = { calls: 0, failed: 0 };
  server.on('error', (err) => log.warn({ err: err.message }, 'outbound socket: connection failed before the call was handed over'));
  const live = new Set<FreeSwitchResponse>();
  server.on('connection', (call, { uuid, data }) => {
    stats.calls++;
    live.add(call);
    call.once('socket.close', () => live.delete(call));
    const progress = { stage: 'setup' as Stage };
    void runCall(call, uuid, data, progress).catch((err: unknown) => {
      if (call.closed) {
        log.info({ uuid, stage: progress.stage }, ENDED_DURING[progress.stage]);
        return;
      }
      stats.failed++;
      log.error({ err, uuid }, 'call handling failed');
      call.hangup('NORMAL_TEMPORARY_FAILURE').catch(() => undefined);
    });
  });

  async function runCall(call: FreeSwitchResponse, uuid: string | undefined, data: Record<string, string | undefined>, progress: { stage: Stage }): Promise<void> {
    if (!uuid || !SAFE_UUID.test(uuid)) {
      log.warn({ uuid: String(uuid).slice(0, 80) }, 'channel data without a usable Unique-ID: hanging up');
      await call.hangup('NORMAL_TEMPORARY_FAILURE');
      return;
    }
    if (decoded(data['variable_salesops_call']) === 'outbound') {
      const callId = decoded(data['variable_salesops_call_id']) || uuid;
      if (!options.taskCalls) {
        log.warn({ uuid }, 'task call handed to the socket but call tasks are not wired: hanging up');
        await call.hangup('NORMAL_CLEARING');
        return;
      }
      await runTaskCall(call, uuid, callId, { hooks: options.taskCalls, gateway: options.gateway, recordingsDir: options.recordingsDir, ringback: options.ringback, tts: options.tts ?? 'tts_commandline|default', commandTimeoutMs: options.commandTimeoutMs, timeZone: options.timeZone, log }, (stage) => (progress.stage = stage));
      return;
    }
    const receivedAt = new Date();
    const callerNumber = decoded(data['Caller-Caller-ID-Number'] ?? data['variable_sip_from_user']);
    const calleeNumber = decoded(data['Caller-Destination-Number'] ?? data['variable_sip_to_user']);
    const ivr = decoded(data['variable_ivr_choice']);
    const result = await options.onCall({ uuid, callerNumber, calleeNumber, ivrChoice: ivr && /^[0-9*#]{1,8}$/.test(ivr) ? ivr : null, receivedAt });
    const bridge = bridgeString(result.plan, { gateway: options.gateway });
    const recording = recordingPath(options.recordingsDir, 'calls', receivedAt, options.timeZone, uuid);
    const voicemail = recordingPath(options.recordingsDir, 'voicemail', receivedAt, options.timeZone, uuid);
    log.info({ uuid, caller: maskPhone(callerNumber), period: result.plan.period, steps: result.plan.steps.length, match: result.match.kind }, 'routing 400 call');

    const t = options.commandTimeoutMs;
    // The call is stored while it rings (result.stored); when we end it, its record is there first, so
    // the hangup event — handled by whichever process — finds the call to complete.
    const hangUp = async () => {
      await result.stored;
      await call.command('hangup', 'NORMAL_CLEARING', t);
    };
    // `async full`: the switch queues applications in order, so the set-up needs only its command/reply;
    // bridge is awaited to its CHANNEL_EXECUTE_COMPLETE (DIALSTATUS decides on voicemail). The ring tone is
    // set before anything else: `ringback` while the caller's leg is unanswered, `transfer_ringback` once
    // answered — without them the caller hears silence while the mobiles ring.
    const tone = options.ringback;
    await call.execute('multiset', `verbose_events=true salesops_call=inbound hangup_after_bridge=true continue_on_fail=true RECORD_BRIDGE_REQ=true ringback=${tone} transfer_ringback=${tone} salesops_recording=${recording}`);
    await call.execute('answer', '');
    if (bridge) {
      // record_session creates its folders itself.
      await call.execute('record_session', recording);
      progress.stage = 'bridge';
      const done = await call.command('bridge', bridge, TALK_LIMIT_MS);
      const status = String(done.body['variable_DIALSTATUS'] ?? done.body['variable_originate_disposition'] ?? '');
      if (status === 'SUCCESS') {
        log.info({ uuid }, 'bridge finished: call answered and ended');
        return;
      }
      log.info({ uuid, status }, 'nobody answered: voicemail');
      await call.command('stop_record_session', recording, t);
    }
    progress.stage = 'voicemail';
    // `record` does not create folders (only record_session does): without the day's folder the switch
    // cannot open the file and hangs up on the caller.
    try {
      await mkdir(dirname(voicemail), { recursive: true, mode: SHARED_FOLDER_MODE });
    } catch (err) {
      log.error({ err, uuid, folder: dirname(voicemail) }, 'cannot create the voicemail folder: hanging up without voicemail');
      await hangUp();
      return;
    }
    await call.command('set', `salesops_voicemail=${voicemail}`, t);
    await call.command('playback', options.voicemail.greeting, 60_000);
    await call.command('record', `${voicemail} ${options.voicemail.maxSeconds} 200 3`, (options.voicemail.maxSeconds + 30) * 1000);
    await hangUp();
  }

  await server.listen({ host: options.host, port: options.port });
  const address = (server as unknown as { __server: { address(): { port: number } | null } }).__server.address();
  log.info({ host: options.host, port: address?.port ?? options.port }, 'outbound socket server listening');
  return {
    stats,
    port: () => address?.port ?? options.port,
    /** Stops accepting calls; control sockets still open after `graceMs` are closed (FreeSWITCH keeps or ends those calls per its dialplan). */
    async close(graceMs = 2000) {
      const closed = server.close();
      const timer = new Promise<void>((resolve) => setTimeout(resolve, graceMs).unref());
      await Promise.race([closed, timer]);
      for (const call of live) call.end();
      live.clear();
      await Promise.race([closed, new Promise<void>((resolve) => setTimeout(resolve, 500).unref())]);
    },
  };
}

/** Channel data headers arrive URL-encoded (`%2B8613…`); esl leaves them as they are. */
function decoded(v: string | undefined): string {
  if (!v) return '';
  try {
    return decodeURIComponent(v);
  } catch {
    return v;
  }
}
