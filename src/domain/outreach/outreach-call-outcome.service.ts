import type { EntityManager } from '@mikro-orm/core';
import { CallLogSchema, type CallLogStatus } from './call-log.entity.js';

/** What the switch reported about an outreach call's channel (our call id travels as `salesops_call_id`). */
export type OutreachChannelReport =
  | { kind: 'answered'; callId: string; at: Date }
  | { kind: 'ended'; callId: string; at: Date; answered: boolean; talkSeconds: number; hangupCause: string | null };

const UNANSWERED: Record<string, CallLogStatus> = {
  USER_BUSY: 'busy',
  NO_ANSWER: 'no_answer',
  NO_USER_RESPONSE: 'no_answer',
  ALLOTTED_TIMEOUT: 'no_answer',
  ORIGINATOR_CANCEL: 'no_answer',
};

/** Statuses a report may still move (a settled call is never reopened; answered only moves on to its end). */
const OPEN: CallLogStatus[] = ['initiated', 'ringing', 'answered'];

/**
 * Settles an outreach call from the channel's own events — the one source that survives a lost
 * originate result (OUTCOME_UNKNOWN). Conditional updates: a late or replayed event changes nothing.
 * Returns the status written, or null when the call was already settled or is not ours.
 */
export async function settleOutreachCall(em: EntityManager, report: OutreachChannelReport): Promise<CallLogStatus | null> {
  if (report.kind === 'answered') {
    const n = await em.nativeUpdate(CallLogSchema, { callId: report.callId, status: { $in: ['initiated', 'ringing'] } }, { status: 'answered' });
    return n > 0 ? 'answered' : null;
  }
  const status: CallLogStatus = report.answered ? 'completed' : (UNANSWERED[report.hangupCause ?? ''] ?? 'failed');
  const n = await em.nativeUpdate(
    CallLogSchema,
    { callId: report.callId, status: { $in: OPEN } },
    { status, endedAt: report.at, duration: report.answered ? report.talkSeconds : 0, ...(status === 'failed' ? { errorMessage: `hangup cause ${report.hangupCause ?? 'unknown'}` } : {}) },
  );
  return n > 0 ? status : null;
}
