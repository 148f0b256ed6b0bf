/**
 * The soft switch as the dialler and outbound calls see it (FreeSWITCH over the event socket in
 * src/telephony). Failures are values; a result that never came is `unknown`, never a guess.
 */
export type OriginateRequest = {
  /** Our call id: becomes the channel's uuid (`origination_uuid`) and the channel variable `salesops_call_id`. */
  callId: string;
  /** The sofia gateway (one DAG1000 device) the call leaves through. */
  gateway: string;
  /** The number to dial as the gateway expects it (national digits). */
  number: string;
  /** The caller id shown to the callee (one of our configured numbers). */
  callerId: string | null;
  /** How long the callee's phone may ring before we give up. */
  timeoutSec: number;
  /** More channel variables (`salesops_task_id`, `salesops_mode`, …); values are sanitised. */
  vars?: Record<string, string | number>;
  /** Where the answered leg goes: a dialplan extension (`<ext> XML <context>`) or an inline app (`&park()`). */
  destination: string;
  /**
   * Called once, as soon as the switch has acknowledged the command (it has it and starts the call) or it
   * cannot (not sent, no reply): the dialler paces the device's next originate from this instant.
   */
  accepted?: () => void;
};

export type OriginateResult =
  | { kind: 'answered'; channelUuid: string }
  | { kind: 'failed'; cause: string }
  /** The switch took the job but its result was lost (timeout, connection dropped): settle from events. */
  | { kind: 'unknown'; reason: string };

/** A channel we originated ended (CHANNEL_HANGUP_COMPLETE with `salesops_call_id`). */
export type CallEnded = {
  callId: string;
  endedAt: Date;
  hangupCause: string | null;
  answeredAt: Date | null;
  recordingPath: string | null;
  /** The digit the callee pressed in the robot menu, if any. */
  digit: string | null;
  vars: Record<string, string>;
};

export interface SwitchPort {
  originate(request: OriginateRequest): Promise<OriginateResult>;
  /** Whether a channel with this uuid exists right now (`uuid_exists`); null when the switch cannot be asked. */
  channelExists(callId: string): Promise<boolean | null>;
  /** Registers a listener for ended outbound channels; returns the unsubscribe function. */
  onCallEnded(listener: (ended: CallEnded) => void): () => void;
  /** Whether the switch connection is up (a dialler waits while it is not). */
  connected(): boolean;
}
