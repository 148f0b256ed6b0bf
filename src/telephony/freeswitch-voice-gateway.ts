import { randomUUID } from 'node:crypto';
import type { PlaceCallRequest, PlaceCallResult, VoiceGateway } from '../domain/ports/voice-gateway.port.js';
import { normalizePhone } from '../domain/shared/phone.js';
import { SwitchCommandError, type EventClient } from './event-client.js';
import { originateArgument } from './originate-argument.js';
import { recordingPath } from './recording-path.js';

export type FreeSwitchVoiceOptions = {
  events: Pick<EventClient, 'bgapi'>;
  gateway: string;
  callerId?: string;
  /** `<engine>|<voice>` for mod_tts_commandline / mod_unimrcp, read to the callee. */
  tts: string;
  defaultTimeoutMs?: number;
  /** How long past the ring timeout the BACKGROUND_JOB may take before the outcome is unknown (default 5 s). */
  resultGraceMs?: number;
  /**
   * Where the answered call is recorded (`<dir>/calls/<day>/<uuid>.wav`, as 400 and task calls are), so its
   * hangup carries the recording and the call is analysed; without it the call is not recorded.
   */
  recording?: { dir: string; timeZone: string };
};

const CAUSE_TO_CODE: Record<string, Extract<PlaceCallResult, { ok: false }>['code']> = {
  USER_BUSY: 'CALLEE_BUSY',
  NO_ANSWER: 'NO_ANSWER',
  NO_USER_RESPONSE: 'NO_ANSWER',
  ORIGINATOR_CANCEL: 'NO_ANSWER',
  ALLOTTED_TIMEOUT: 'NO_ANSWER',
  UNALLOCATED_NUMBER: 'INVALID_NUMBER',
  INVALID_NUMBER_FORMAT: 'INVALID_NUMBER',
  NO_ROUTE_DESTINATION: 'INVALID_NUMBER',
  CALL_REJECTED: 'REJECTED',
  USER_CHALLENGE: 'REJECTED',
};
// Anything else (GATEWAY_DOWN, NORMAL_TEMPORARY_FAILURE, INVALID_GATEWAY, …) is the line's fault: UNAVAILABLE.

/**
 * The outreach voice call placed through the switch: `originate` over bgapi (commands on one event
 * socket are serialised; bgapi returns at once and the result comes as BACKGROUND_JOB) via the DAG1000
 * gateway, reading the script with text-to-speech once answered. Failures come back as values.
 */
export function createFreeSwitchVoiceGateway(options: FreeSwitchVoiceOptions): VoiceGateway {
  return {
    name: 'freeswitch',
    async placeCall(request: PlaceCallRequest): Promise<PlaceCallResult> {
      const phone = normalizePhone(request.to);
      if (!phone || phone.kind === 'other') return { ok: false, code: 'INVALID_NUMBER', message: '号码格式不正确' };
      const timeoutMs = request.timeoutMs ?? options.defaultTimeoutMs ?? 45_000;
      // Our call id is the channel's uuid, so the hangup event settles the outreach call in the call model.
      const uuid = /^[A-Za-z0-9-]{8,64}$/.test(request.callId) ? request.callId : randomUUID();
      const vars = [
        `origination_uuid=${uuid}`,
        'salesops_call=outbound',
        `salesops_call_id=${request.callId.replace(/[^A-Za-z0-9_-]/g, '').slice(0, 64)}`,
        `originate_timeout=${Math.ceil(timeoutMs / 1000)}`,
        'ignore_early_media=true',
        ...(options.callerId ? [`origination_caller_id_number=${options.callerId}`] : []),
        ...recordingVars(options.recording, uuid),
      ];
      const text = request.script.replace(/[\r\n]+/g, ' ').replace(/[|(){}[\]'",\\]/g, ' ').trim().slice(0, 500);
      const command = `originate {${vars.join(',')}}sofia/gateway/${options.gateway}/${phone.national} ${originateArgument(`&speak(${options.tts}|${text})`)}`;
      let body: Record<string, unknown>;
      try {
        ({ body } = await options.events.bgapi(command, timeoutMs + (options.resultGraceMs ?? 5000)));
      } catch (err) {
        // Accepted but no result: the call may be ringing or answered. Never a failure (that would invite a
        // second call); the channel's events (salesops_call_id travels with it) settle it later.
        if (err instanceof SwitchCommandError && err.kind === 'lost') return { ok: false, code: 'OUTCOME_UNKNOWN', message: `交换机未返回外呼结果（通话 ${uuid}）`, carrierCallId: uuid };
        const message = err instanceof Error ? err.message : String(err);
        return { ok: false, code: 'UNAVAILABLE', message: `交换机不可用: ${message}`.slice(0, 200) };
      }
      const reply = String(body['_body'] ?? '').trim();
      const ok = /^\+OK\s+(\S+)/.exec(reply);
      if (ok) return { ok: true, carrierCallId: ok[1]! };
      const cause = /^-ERR\s+([A-Z_]+)/.exec(reply)?.[1] ?? 'UNKNOWN';
      return { ok: false, code: CAUSE_TO_CODE[cause] ?? 'UNAVAILABLE', message: `外呼失败: ${cause}` };
    },
  };
}

/**
 * The recording of an answered outreach call: `record_session` started by the switch on answer
 * (`execute_on_answer`; quoted, as originate splits its arguments on spaces outside quotes) and its path
 * as `salesops_recording`, which the hangup event carries to the call model (settleOutboundCall).
 */
function recordingVars(recording: FreeSwitchVoiceOptions['recording'], uuid: string): string[] {
  if (!recording) return [];
  const path = recordingPath(recording.dir, 'calls', new Date(), recording.timeZone, uuid);
  return [`salesops_recording=${path}`, `execute_on_answer='record_session ${path}'`];
}
