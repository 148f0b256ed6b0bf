import type { CallOutcome } from './call.entity.js';

const BUSY = new Set(['USER_BUSY']);
const NO_ANSWER = new Set(['NO_ANSWER', 'NO_USER_RESPONSE', 'ALLOTTED_TIMEOUT', 'ORIGINATOR_CANCEL', 'PROGRESS_TIMEOUT', 'RECOVERY_ON_TIMER_EXPIRE']);
const REJECTED = new Set(['CALL_REJECTED', 'USER_CHALLENGE']);
const INVALID = new Set(['UNALLOCATED_NUMBER', 'INVALID_NUMBER_FORMAT', 'NO_ROUTE_DESTINATION', 'NUMBER_CHANGED', 'INCOMPATIBLE_DESTINATION']);
/** The gateway or its line failed, not the callee: worth a retry on another line at once. */
const LINE = new Set([
  'GATEWAY_DOWN', 'NORMAL_TEMPORARY_FAILURE', 'NETWORK_OUT_OF_ORDER', 'DESTINATION_OUT_OF_ORDER', 'SWITCH_CONGESTION', 'NORMAL_CIRCUIT_CONGESTION',
  'NO_ROUTE_TRANSIT_NET', 'CHAN_NOT_IMPLEMENTED', 'REQUESTED_CHAN_UNAVAIL', 'SERVICE_UNAVAILABLE', 'FACILITY_NOT_SUBSCRIBED', 'MEDIA_TIMEOUT',
  'BEARERCAPABILITY_NOTAVAIL', 'SUBSCRIBER_ABSENT', 'NO_PICKUP', 'SWITCH_NOT_CONNECTED',
]);

/**
 * What a FreeSWITCH hangup cause means for an outbound call. An answered call is `answered` whatever the
 * cause of its end; otherwise busy / no answer / rejected / invalid number (never retried) / a line or
 * gateway failure (retried on another line) / anything else `failed`.
 */
export function outcomeFromCause(cause: string | null | undefined, answered: boolean): CallOutcome {
  if (answered) return 'answered';
  const c = (cause ?? '').toUpperCase();
  if (BUSY.has(c)) return 'busy';
  if (NO_ANSWER.has(c)) return 'no_answer';
  if (REJECTED.has(c)) return 'rejected';
  if (INVALID.has(c)) return 'invalid';
  if (LINE.has(c)) return 'line_failed';
  return 'failed';
}
