import type { EntityManager } from '@mikro-orm/core';
import { CallSchema } from '../calls/call.entity.js';

/** What the switch reported about an outreach call's channel (our call id travels as `salesops_call_id`). */
export type OutreachChannelReport = { kind: 'answered'; callId: string; at: Date };

/**
 * CHANNEL_ANSWER of an outbound call we placed: the call (outreach or task) is answered at that instant.
 * Its end comes with CHANNEL_HANGUP_COMPLETE through the call-task settlement (one path for every
 * outbound call). Conditional: a late or replayed event changes nothing. Returns whether it changed.
 */
export async function settleOutreachCall(em: EntityManager, report: OutreachChannelReport): Promise<boolean> {
  const n = await em.nativeUpdate(CallSchema, { uuid: report.callId, answeredAt: null, endedAt: null }, { answeredAt: report.at });
  return n > 0;
}
