import type { EntityManager } from '@mikro-orm/core';
import type { CallEnded } from '../ports/switch.port.js';
import { CallSchema, type Call } from './call.entity.js';
import { outcomeFromCause } from './hangup-cause.js';

/**
 * The end of an outbound call we placed (outreach or a call task), from the switch's hangup event: the
 * call gets its end, cause, outcome, talk time and recording; an answered, recorded call is marked for
 * analysis. Idempotent: a call that already ended is left alone. Returns the call (null if not ours).
 */
export async function settleOutboundCall(em: EntityManager, ended: CallEnded): Promise<{ call: Call; changed: boolean } | null> {
  const call = await em.findOne(CallSchema, { uuid: ended.callId });
  if (!call) return null;
  if (call.endedAt && call.outcome !== 'unknown') return { call, changed: false };
  const answeredAt = ended.answeredAt ?? call.answeredAt ?? null;
  call.answeredAt = answeredAt;
  call.endedAt = ended.endedAt;
  call.hangupCause = ended.hangupCause?.slice(0, 64) ?? null;
  call.outcome = call.outcome === 'abandoned' ? 'abandoned' : outcomeFromCause(ended.hangupCause, answeredAt !== null);
  call.duration = answeredAt ? Math.max(0, Math.round((ended.endedAt.getTime() - answeredAt.getTime()) / 1000)) : 0;
  if (ended.digit) call.ivrChoice = ended.digit.slice(0, 8);
  if (answeredAt && ended.recordingPath) {
    call.recordingPath = ended.recordingPath;
    call.analysisStatus ??= 'PENDING';
  }
  await em.flush();
  return { call, changed: true };
}
