import type { EntityManager, FilterQuery } from '@mikro-orm/core';
import { authorize, type Actor } from '../auth/actor.js';
import { detailNumber, listedNumber } from '../auth/number-disclosure.js';
import { CallAnalysisSchema } from '../calls/call-analysis.entity.js';
import { customerNumber } from '../calls/call-party.js';
import { CallSchema, type Call } from '../calls/call.entity.js';
import { recordingLink } from '../calls/recording-link.js';
import type { AnalysisStatus } from '../shared/vocabulary.js';
import { DomainError } from '../shared/domain-error.js';
import { normalizePhone } from '../shared/phone.js';

export type RecordListQuery = { taskId?: number; phoneNumber?: string; analysisStatus?: AnalysisStatus; startTime?: Date; endTime?: Date; page: number; size: number; sort: 'startTime' | 'duration' | 'endTime'; order: 'asc' | 'desc' };

const RECORD_SORT = { startTime: 'startedAt', duration: 'duration', endTime: 'endedAt' } as const;

/** Our own path to a call's recording (the signed file link comes from …/recording, valid 10 minutes). */
const recordingPathOf = (c: Call) => (c.recordingPath ? `/api/v1/lead-generation/call-records/${c.id}/recording` : null);

/** `phoneNumber`: masked in the list; the detail view passes the full number to holders of lead:call:edit. */
function recordRow(c: Call, phoneNumber = listedNumber(c.callee)!) {
  return {
    recordId: c.id,
    taskId: c.task ?? null,
    phoneNumber,
    attempt: c.attempt ?? null,
    startTime: c.startedAt,
    endTime: c.endedAt ?? null,
    duration: c.duration,
    outcome: c.outcome ?? null,
    hangupCause: c.hangupCause ?? null,
    recordingUrl: recordingPathOf(c),
    analysisStatus: c.analysisStatus ?? null,
  };
}

/** Seed 004 §2.4: the call tasks' calls, filtered by task, exact number, analysis status and start time, paged. */
export async function listCallRecords(em: EntityManager, actor: Actor, q: RecordListQuery) {
  authorize(actor, ['lead:call:view', 'lead:call:record:list'], '查看通话记录');
  // An attempt claimed ahead is not a call until it leaves (dial-pump.ts).
  const where: FilterQuery<Call> = { source: 'task', claimedAhead: false };
  if (q.taskId) where.task = q.taskId;
  if (q.phoneNumber) where.callee = normalizePhone(q.phoneNumber)?.e164 ?? '-';
  if (q.analysisStatus) where.analysisStatus = q.analysisStatus;
  if (q.startTime || q.endTime) where.startedAt = { ...(q.startTime ? { $gte: q.startTime } : {}), ...(q.endTime ? { $lte: q.endTime } : {}) };
  const [calls, total] = await em.findAndCount(CallSchema, where, { orderBy: { [RECORD_SORT[q.sort]]: q.order, id: q.order }, limit: q.size, offset: (q.page - 1) * q.size });
  const analyses = calls.length ? await em.find(CallAnalysisSchema, { call: { $in: calls.map((c) => c.id) } }) : [];
  const byCall = new Map(analyses.map((a) => [a.call, a]));
  return {
    rows: calls.map((c) => {
      const a = byCall.get(c.id);
      return { ...recordRow(c), analysisResult: a ? { sentiment: a.sentiment ?? null, intention: a.intention ?? null } : null };
    }),
    total,
  };
}

/** Any call of the one call model (a task's, an outreach call, a 400 call): its detail shows its analysis, whichever source. */
async function loadRecord(em: EntityManager, recordId: number): Promise<Call> {
  const call = await em.findOne(CallSchema, { id: recordId, claimedAhead: false });
  if (!call) throw new DomainError('CALL_RECORD_NOT_FOUND', `通话记录 ${recordId} 不存在`);
  return call;
}

/**
 * Seed 004 §2.5: one call with its full analysis (transcription, sentiment, intention and score, keywords,
 * summary) or why it failed — a task call, and likewise a 400 or outreach call (`source`; `phoneNumber` is
 * the customer's side).
 */
export async function callRecordDetail(em: EntityManager, actor: Actor, recordId: number) {
  authorize(actor, 'lead:call:record:view', '查看通话记录');
  const call = await loadRecord(em, recordId);
  const a = await em.findOne(CallAnalysisSchema, { call: call.id });
  return {
    ...recordRow(call, detailNumber(actor, customerNumber(call), 'callTask') ?? ''),
    source: call.source,
    analysisError: call.analysisError ?? null,
    ivrChoice: call.ivrChoice ?? null,
    analysisResult: a
      ? { sentiment: a.sentiment ?? null, intention: a.intention ?? null, intentionScore: a.intentionScore ?? null, keywords: a.keywords, summary: a.summary ?? null, transcription: a.transcription ?? null }
      : null,
  };
}

/** Seed 004 §2.6: a signed link to the recording, valid 10 minutes. */
export async function callRecordingLink(em: EntityManager, actor: Actor, recordId: number, secret: string, now?: Date) {
  authorize(actor, 'lead:call:record:download', '下载通话录音');
  const call = await loadRecord(em, recordId);
  const link = await recordingLink(em, { callId: call.id, secret, now });
  return { recordingUrl: link.url, expiresAt: link.expiresAt };
}
