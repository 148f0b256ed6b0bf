import { CALL_TASK_AFTER_CALL_JOB } from '../call-tasks/call-task-deps.js';
import { CALL_ANALYSIS_JOB, VOICEMAIL_JOB, completeCall, type LifecycleDeps } from './call-lifecycle.service.js';
import { CallSchema } from './call.entity.js';
import { SwitchEventReceiptSchema } from './switch-event-receipt.entity.js';

/** A 400 call still open this long after it started lost its hangup event (the event socket was down). */
export const OPEN_CALL_STALE_MS = 2 * 60 * 60 * 1000;
/** Analysis still pending this long with no job queued lost its job. */
export const ANALYSIS_STALE_MS = 30 * 60 * 1000;
/** Switch-event receipts are kept this long: far beyond any event's redelivery, short enough to stay small. */
export const RECEIPTS_KEPT_MS = 7 * 24 * 60 * 60 * 1000;

/**
 * Closes 400 calls whose hangup never reached us — completed like any hangup, so an unanswered one becomes
 * a callback todo (someone calls the customer back rather than nobody) — and re-queues post-call analysis
 * or voicemail processing that lost its job. Both steps are idempotent. Deletes switch-event receipts
 * older than a week.
 */
export async function sweepStaleCalls(deps: LifecycleDeps, now = new Date()): Promise<{ closed: string[]; requeued: number[] }> {
  const { em } = deps;
  const closed: string[] = [];
  const open = await em.find(CallSchema, { endedAt: null, startedAt: { $lt: new Date(now.getTime() - OPEN_CALL_STALE_MS) } }, { limit: 100 });
  for (const record of open) {
    const outcome = await completeCall(deps, {
      uuid: record.uuid,
      endedAt: record.answeredAt ?? record.startedAt,
      hangupCause: 'HANGUP_EVENT_MISSED',
      recordingPath: null,
      voicemailPath: null,
      voicemailSeconds: 0,
    });
    if (outcome !== 'already_completed' && outcome !== 'unknown_call') closed.push(record.uuid);
  }
  // Each missed call's notice was queued (or sent) by completeCall.
  const requeued: number[] = [];
  const pending = await em.find(
    CallSchema,
    { analysisStatus: 'PENDING', endedAt: { $lt: new Date(now.getTime() - ANALYSIS_STALE_MS) } },
    { limit: 100 },
  );
  for (const record of pending) {
    // A task call's analysis belongs to its after-call job (seed 004 analysis and the lead hand-over).
    const job = record.source === 'task' ? CALL_TASK_AFTER_CALL_JOB : record.voicemail ? VOICEMAIL_JOB : CALL_ANALYSIS_JOB;
    if (await deps.jobs.isPending(job, { callRecordId: record.id })) continue;
    await deps.jobs.enqueue(job, { callRecordId: record.id });
    requeued.push(record.id);
  }
  await em.nativeDelete(SwitchEventReceiptSchema, { handledAt: { $lt: new Date(now.getTime() - RECEIPTS_KEPT_MS) } });
  return { closed, requeued };
}
