import type { Call } from '../calls/call.entity.js';

/** Seed 000 call_logs.status, as the outreach API and the `call_logs` view spell it. */
export const CALL_LOG_STATUSES = ['initiated', 'ringing', 'answered', 'busy', 'no_answer', 'failed', 'completed'] as const;
export type CallLogStatus = (typeof CALL_LOG_STATUSES)[number];

/** A call's seed-000 status from the one call model: in progress → initiated/answered, ended → its outcome. */
export function callLogStatus(call: Pick<Call, 'outcome' | 'answeredAt' | 'endedAt'>): CallLogStatus {
  switch (call.outcome) {
    case null:
    case undefined:
      return call.answeredAt ? 'answered' : 'initiated';
    case 'answered':
      return 'completed';
    case 'busy':
      return 'busy';
    case 'no_answer':
    case 'missed':
      return 'no_answer';
    default:
      return 'failed';
  }
}
