export type PlaceCallRequest = {
  /** Our call id; the carrier echoes it on status callbacks. */
  callId: string;
  to: string;
  /** Text read to the callee (text-to-speech notification) or the script for an agent. */
  script: string;
  timeoutMs?: number;
};

export type PlaceCallResult =
  | { ok: true; carrierCallId: string }
  | { ok: false; code: 'CALLEE_BUSY' | 'NO_ANSWER' | 'INVALID_NUMBER' | 'REJECTED' | 'UNAVAILABLE'; message: string }
  /** The call may have been placed (its result was lost): never place it again; settle it from the carrier's events. */
  | { ok: false; code: 'OUTCOME_UNKNOWN'; message: string; carrierCallId?: string };

/** Places an outbound call (Tencent voice message, or FreeSWITCH originate). Failures are values. */
export interface VoiceGateway {
  readonly name: string;
  /** True for a dry-run gateway: no call is placed; calls through it are marked dry-run (see SmsGateway). */
  readonly dryRun?: boolean;
  placeCall(request: PlaceCallRequest): Promise<PlaceCallResult>;
}
