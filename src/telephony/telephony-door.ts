import type { EntityManager } from '@mikro-orm/core';
import type { Logger } from '../logging/logger.js';
import type { TelephonyConfig } from '../config/telephony.config.js';
import { markCallAnswered, queueAfterHangup, recordHangup } from '../domain/calls/call-lifecycle.service.js';
import { handleInboundCall, type InboundCallResult } from '../domain/calls/inbound-call.service.js';
import { settleOutreachCall } from '../domain/outreach/outreach-call-outcome.service.js';
import type { LiveCalls } from '../domain/calls/live-calls.js';
import { CallSchema } from '../domain/calls/call.entity.js';
import type { JobQueue } from '../domain/ports/job-queue.port.js';
import type { Notifier } from '../domain/ports/notifier.port.js';
import type { Clock } from '../domain/ports/clock.port.js';
import type { VoiceGateway } from '../domain/ports/voice-gateway.port.js';
import { startCallServer, type CallServer } from './call-server.js';
import { createEventClient, type EventClient, type SwitchEvent } from './event-client.js';
import { createFreeSwitchVoiceGateway } from './freeswitch-voice-gateway.js';
import { createFreeSwitchSwitch, type FreeSwitchSwitch } from './freeswitch-switch.js';
import { checkTtsEngine } from './tts-check.js';
import { settleCall } from '../domain/call-tasks/attempt-outcome.js';
import { claimCompletionCard } from '../domain/call-tasks/completion-card.js';
import { transactionNotices } from '../domain/notifications/notices.js';
import { abandonTaskCall, answerTaskCall, robotKey } from '../domain/call-tasks/answered-call.js';
import { CALL_TASK_AFTER_CALL_JOB } from '../domain/call-tasks/call-task-deps.js';
import { preparedPrompt } from '../domain/call-tasks/prompt-audio.js';
import type { SpeechSynthesizer } from '../domain/ports/speech-synthesizer.port.js';
import type { TaskCallHooks } from './task-call-flow.js';
import { handleOnce, NothingToHandle } from './handle-once.js';

export type TelephonyDeps = {
  config: TelephonyConfig;
  /** A fresh unit of work per call or event. */
  fork(): EntityManager;
  logger: Logger;
  notifier: Notifier;
  jobs: JobQueue;
  timeZone: string;
  /** The live board's view of calls on the switch (ringing, talking); optional. */
  liveCalls?: LiveCalls;
  /** Text to speech for call-task prompts (their WAVs under RECORDINGS_DIR/prompts/); none: the switch's TTS. */
  speech?: SpeechSynthesizer;
  /** How long a salesperson's phones ring for an answered task call (CALL_TASK_AGENT_SECONDS). */
  agentSeconds?: number;
  /** An inbound call's record is written (today's figures changed): the live board reads them again. */
  onCallRecorded?: () => void;
  /** A call task's number was settled (its progress moved): the live board's progress bars. */
  onTaskProgress?: (taskId: number) => void;
  /** "Now" for the domain (a call task's retry time and its 10-minute line rule); default the system clock. */
  clock?: Clock;
  /** This process's name on the switch events it handles (several processes receive each event; one handles it). */
  handledBy: string;
};

export type TelephonyDoor = {
  events: EventClient;
  /** Outreach calls through the switch (bgapi originate on the event socket). */
  voiceGateway: VoiceGateway;
  /** The switch port (originate with our call id, outcome events) the call-task dialler uses. */
  switch: FreeSwitchSwitch;
  /** Listens for the dialplan's outbound sockets and connects the event client. */
  start(): Promise<void>;
  stop(): Promise<void>;
  /** The outbound-socket port actually listened on (after start). */
  socketPort(): number | undefined;
  /** Our tagged channels alive on the switch now, by source (`salesops_call`: inbound, outbound, …). */
  callsInFlight(): Record<string, number>;
};

/** The FreeSWITCH door: the event client (life-cycle events) and the outbound-socket call server. No I/O until start(). */
export function createTelephony(deps: TelephonyDeps): TelephonyDoor {
  const log = deps.logger.child({ component: 'telephony' });
  const { config } = deps;
  const live = new Map<string, string>();
  // Inbound calls being looked up or stored (from the first moment on the socket): their hangup and bridge here wait for the record.
  const storing = new Map<string, Promise<void>>();
  const recordWritten = (uuid: string) => storing.get(uuid) ?? Promise.resolve();
  let ttsChecked = false;
  const events = createEventClient({
    ...config.esl,
    logger: deps.logger,
    // Once per process, on the first connection that answers: is the TTS engine outreach calls speak with loaded?
    onSubscribed: async () => {
      if (ttsChecked) return;
      await checkTtsEngine(events, config.tts, log, config.commandTimeoutMs);
      ttsChecked = true;
    },
    onEvent: (event) => {
      trackChannel(live, event);
      return onSwitchEvent(deps, log, event, sw, recordWritten);
    },
  });
  // The dialler's originates on a connection of their own: esl sends a connection's commands one after the
  // previous one's reply, so an originate never waits behind an unrelated command (a uuid_exists sweep, an api
  // check). FreeSWITCH sends BACKGROUND_JOB to every connection subscribed to it, this one included; HEARTBEAT
  // keeps a quiet connection from looking dead.
  const originates = createEventClient({ ...config.esl, logger: deps.logger.child({ connection: 'originate' }), events: ['HEARTBEAT', 'BACKGROUND_JOB'], onEvent: () => undefined });
  const sw = createFreeSwitchSwitch({ events, originates });
  const voiceGateway = createFreeSwitchVoiceGateway({ events, gateway: config.gateway, callerId: config.callerId, tts: config.tts, recording: { dir: config.recordingsDir, timeZone: deps.timeZone } });
  let calls: CallServer | undefined;
  const answered = () => ({ em: deps.fork(), notifier: deps.notifier, timeZone: deps.timeZone, now: new Date(), agentSeconds: deps.agentSeconds });
  const taskCalls: TaskCallHooks = {
    answer: (callId) => answerTaskCall(answered(), callId),
    abandon: (callId) => abandonTaskCall(deps.fork(), callId),
    robotKey: (callId, digit) => robotKey(answered(), callId, digit),
    promptFile: (text) => preparedPrompt(config.recordingsDir, deps.speech, text),
  };
  const listen = () => startCallServer({
    ...config.socket,
    gateway: config.gateway,
    recordingsDir: config.recordingsDir,
    voicemail: config.voicemail,
    ringback: config.ringback,
    tts: config.tts,
    taskCalls,
    commandTimeoutMs: config.commandTimeoutMs,
    timeZone: deps.timeZone,
    logger: deps.logger,
    onCall: async (call) => {
      // In `storing` from the first moment: a hangup while the caller is still being looked up waits for the record too.
      let written!: () => void;
      storing.set(call.uuid, new Promise<void>((resolve) => (written = resolve)).finally(() => storing.delete(call.uuid)));
      let result: InboundCallResult;
      try {
        result = await handleInboundCall(
          {
            em: deps.fork(),
            notifier: deps.notifier,
            timeZone: deps.timeZone,
            serviceNumber: config.serviceNumber,
            voicemailMaxSeconds: config.voicemail.maxSeconds,
            onError: (err, stage) => log.error({ err, uuid: call.uuid, stage }, 'inbound call follow-up failed'),
          },
          call,
        );
      } catch (err) {
        // Nothing will be stored: the call's events stop waiting (and find no record).
        written();
        throw err;
      }
      void result.stored.finally(written);
      deps.liveCalls?.ringing({
        uuid: call.uuid,
        source: 'inbound',
        callerNumber: call.callerNumber,
        customerName: result.match.customer?.name ?? null,
        staffIds: result.plan.staffIds,
        at: call.receivedAt,
      });
      return result;
    },
  });
  return {
    events,
    voiceGateway,
    switch: sw,
    async start() {
      calls = await listen();
      events.start();
      originates.start();
    },
    async stop() {
      await Promise.all([calls?.close(), events.stop(), originates.stop()]);
    },
    socketPort: () => calls?.port(),
    callsInFlight: () => {
      const bySource: Record<string, number> = {};
      for (const source of live.values()) bySource[source] = (bySource[source] ?? 0) + 1;
      return bySource;
    },
  };
}

/** Channels we tagged, from their first tagged event to CHANNEL_HANGUP_COMPLETE (a reconnect forgets none: hangups still come). */
function trackChannel(live: Map<string, string>, event: SwitchEvent): void {
  const uuid = text(event.body['Unique-ID']);
  const tag = text(event.body['variable_salesops_call']);
  if (!uuid) return;
  if (event.name === 'CHANNEL_HANGUP_COMPLETE') live.delete(uuid);
  else if (tag && event.name !== 'RECORD_STOP') live.set(uuid, tag);
}

/**
 * Only channels we tagged (`salesops_call`) matter; everything else is counted and dropped. Every process
 * connected to the switch receives each event: what only changes this process's memory (live calls, the
 * dialler's line) happens in each, what writes to the database happens once (handleOnce, keyed by the
 * channel uuid and the event name).
 */
function onSwitchEvent(deps: TelephonyDeps, log: Logger, event: SwitchEvent, sw: FreeSwitchSwitch, recordWritten: (uuid: string) => Promise<void>): Promise<unknown> | void {
  const b = event.body;
  const tag = text(b['variable_salesops_call']);
  const uuid = text(b['Unique-ID']);
  if (!tag || !uuid) return;
  const at = eventTime(b);
  const once = <T>(work: (em: EntityManager) => Promise<T>) => handleOnce(deps.fork, `${uuid}:${event.name}`, deps.handledBy, work);
  if (tag === 'outbound') return onOutboundCallEvent(deps, log, sw, event.name, b, uuid, at, once);
  switch (event.name) {
    case 'CHANNEL_BRIDGE':
      if (tag !== 'inbound') return;
      // A bridge before the record exists leaves no receipt (as a hangup does): the process storing the call handles it once it is.
      return recordWritten(uuid).then(() => once(async (em) => {
        const outcome = await markCallAnswered(em, { uuid, destination: text(b['Other-Leg-Destination-Number']) ?? text(b['Other-Leg-Channel-Name']) ?? '', at });
        if (outcome === 'unknown_call') throw new NothingToHandle(uuid);
        return outcome;
      })).then(async (handled) => {
        if (!deps.liveCalls) return handled;
        // The board's "talking" in every process that finds the record (after the claim's commit, so with who answered).
        const record = await deps.fork().findOne(CallSchema, { uuid }, { fields: ['answeredAt', 'answeredBy'] });
        if (record?.answeredAt) deps.liveCalls.talking(uuid, record.answeredBy ?? null, at);
        return handled;
      });
    case 'CHANNEL_HANGUP_COMPLETE': {
      deps.liveCalls?.ended(uuid);
      if (tag !== 'inbound') return;
      const bridgeEpoch = Number(text(b['variable_bridge_epoch']) ?? 0);
      // A call not stored (yet) leaves no receipt: the process storing it handles its hangup once it is.
      return recordWritten(uuid).then(() => once(async (em) => {
        const recorded = await recordHangup(
          { em, notifier: deps.notifier, timeZone: deps.timeZone },
          {
            uuid,
            endedAt: at,
            hangupCause: text(b['Hangup-Cause']) ?? null,
            bridgedAt: bridgeEpoch > 0 ? new Date(bridgeEpoch * 1000) : null,
            bridgedTo: text(b['variable_bridge_channel']) ?? text(b['variable_last_bridge_to']) ?? null,
            recordingPath: bridgeEpoch > 0 ? (text(b['variable_salesops_recording']) ?? null) : null,
            voicemailPath: text(b['variable_salesops_voicemail']) ?? null,
            voicemailSeconds: Number(text(b['variable_record_seconds']) ?? 0),
          },
        );
        if (recorded.outcome === 'unknown_call') throw new NothingToHandle(uuid);
        return recorded;
      })).then(async (handled) => {
        // A hangup during the caller lookup: the call was put on the board after the first `ended` above.
        deps.liveCalls?.ended(uuid);
        if (!handled.ran) return;
        log.info({ uuid, outcome: handled.value.outcome }, 'call completed');
        // After the commit: a missed call's notice (in the outbox with the call, or sent now), the recording's or voicemail's job.
        await handled.value.notices.afterCommit();
        deps.onCallRecorded?.();
        await queueAfterHangup(deps.jobs, handled.value);
      });
    }
    case 'RECORD_STOP':
      log.debug({ uuid, path: text(b['Record-File-Path']) }, 'recording stopped');
      return;
    default:
      return;
  }
}

type Once = <T>(work: (em: EntityManager) => Promise<T>) => Promise<{ ran: true; value: T } | { ran: false }>;

/** An outbound channel we placed ended: the call is settled in the one call model, then the dialler hears of it. */
async function outboundEnded(deps: TelephonyDeps, log: Logger, sw: FreeSwitchSwitch, b: Record<string, unknown>, uuid: string, at: Date, once: Once): Promise<void> {
  const answerEpoch = Number(text(b['variable_answer_epoch']) ?? 0);
  const vars: Record<string, string> = {};
  for (const [k, v] of Object.entries(b)) if (k.startsWith('variable_salesops_') && typeof v === 'string') vars[k.slice('variable_'.length)] = v;
  const ended = {
    callId: text(b['variable_salesops_call_id']) ?? uuid,
    endedAt: at,
    hangupCause: text(b['Hangup-Cause']) ?? null,
    answeredAt: answerEpoch > 0 ? new Date(answerEpoch * 1000) : null,
    recordingPath: text(b['variable_salesops_recording']) ?? null,
    digit: text(b['variable_salesops_digit']) ?? null,
    vars,
  };
  // The line is free as soon as the switch says so: the dialler (in whichever process placed the call) hears it before the call is settled.
  sw.emitCallEnded(ended);
  // The call is settled once this turn of the event loop is over: the freed line's next originate (its
  // statement letting an attempt claimed ahead go, dial-pump.ts) reaches the database first — on SQLite's one
  // connection it would otherwise wait behind this settle's whole transaction, commit included.
  await new Promise<void>((resolve) => setImmediate(resolve));
  const now = deps.clock?.now() ?? new Date();
  const handled = await once(async (em) => {
    const settled = await settleCall(em, ended, now);
    // The last number final: the task ended in this transaction, and its completion card is claimed and queued in it.
    const notices = transactionNotices(deps.notifier);
    if (settled?.completed && settled.taskId) for (const card of await claimCompletionCard(em, settled.taskId, now)) await notices.add(em, card);
    return { settled, notices };
  });
  if (!handled.ran) return;
  const { settled, notices } = handled.value;
  await notices.afterCommit();
  if (settled?.taskId) deps.onTaskProgress?.(settled.taskId);
  if (settled?.completed && settled.taskId) log.info({ taskId: settled.taskId }, 'call task ended');
  // An answered task call: its lead (key 1) and analysis follow at once, not in a nightly batch.
  if (settled && settled.call.source === 'task' && settled.call.answeredAt) {
    await deps.jobs.enqueue(CALL_TASK_AFTER_CALL_JOB, { callRecordId: settled.call.id }, { uniqueKey: `call-task-after-call:${settled.call.id}` });
  }
  // An answered, recorded outreach call: its analysis at once, as a 400 call's (by this process only: the one that handled the hangup).
  if (settled && settled.call.source === 'outreach' && settled.call.analysisStatus === 'PENDING') {
    await queueAfterHangup(deps.jobs, { recordId: settled.call.id, follows: 'analysis' });
  }
  log.info({ callId: ended.callId, cause: ended.hangupCause, outcome: settled?.call.outcome ?? 'not ours' }, 'outbound call ended');
}

/** Outbound calls we placed (`originate` with salesops_call=outbound: outreach and call tasks): their channel events settle the call. */
function onOutboundCallEvent(deps: TelephonyDeps, log: Logger, sw: FreeSwitchSwitch, name: string, b: Record<string, unknown>, uuid: string, at: Date, once: Once): Promise<unknown> | void {
  const callId = text(b['variable_salesops_call_id']);
  if (!callId) return;
  if (name === 'CHANNEL_ANSWER') return once((em) => settleOutreachCall(em, { kind: 'answered', callId, at }));
  if (name !== 'CHANNEL_HANGUP_COMPLETE') return;
  return outboundEnded(deps, log, sw, b, uuid, at, once);
}

function text(v: unknown): string | undefined {
  return typeof v === 'string' && v.length > 0 ? v : undefined;
}

/** Event-Date-Timestamp is microseconds since the epoch. */
function eventTime(b: Record<string, unknown>): Date {
  const micros = Number(text(b['Event-Date-Timestamp']) ?? NaN);
  return Number.isFinite(micros) ? new Date(Math.floor(micros / 1000)) : new Date();
}
