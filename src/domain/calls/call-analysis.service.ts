import type { EntityManager } from '@mikro-orm/core';
import { CustomerSchema, type Customer } from '../customers/customer.entity.js';
import { commitWithNotices, type Notice } from '../notifications/notices.js';
import type { LanguageModel } from '../ports/language-model.port.js';
import type { Notifier } from '../ports/notifier.port.js';
import type { Transcriber } from '../ports/transcriber.port.js';
import { DomainError } from '../shared/domain-error.js';
import { CallAnalysisSchema } from './call-analysis.entity.js';
import { readTranscript, type CallInsights, type TranscriptKind } from './call-insights.js';
import { CallSchema, type Call } from './call.entity.js';

export type AnalysisDeps = { em: EntityManager; transcriber: Transcriber; model: LanguageModel; notifier: Notifier };

/** A failure worth another job run (the speech or model service timed out or is down). */
export class TransientAnalysisError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TransientAnalysisError';
  }
}

/** An analysed call as its source's follow-up sees it; `insights` is null only for a follow-up that goes on without them. */
export type AnalysedCall = { call: Call; customer: Customer | null; transcript: string; insights: CallInsights | null; insightsError: string | null };

/**
 * The caller's follow-up of an analysed call (a 400 call's todo, a voicemail's urgency, a task call's
 * lead): it writes through `tx` and returns its notices; it commits with the analysis or not at all.
 */
export type AnalysisFollowUp = (tx: EntityManager, analysed: AnalysedCall) => Promise<Notice[]>;

export type AnalysisOptions = {
  /** The job's last try: a service still down fails the analysis with the reason instead of throwing. */
  lastTry?: boolean;
  followUp?: AnalysisFollowUp;
  /** The follow-up goes on with the transcript alone when the model gives no valid answer (a voicemail must reach someone). */
  insightsOptional?: boolean;
};

export type AnalysisResult = { status: 'completed'; insights: CallInsights | null } | { status: 'failed'; reason: string } | { status: 'skipped' };

/**
 * The one analysis of a recorded call, whatever its source (400, outreach, task; seed 004 §2.5):
 * `analysisStatus` `PENDING → PROCESSING`, the recording transcribed, the transcript read by the model
 * (strict JSON, one retry), stored in `t_call_analysis` with `→ COMPLETED` together with the caller's
 * follow-up; or `→ FAILED` with the reason (`analysisError`, `t_call_analysis.failure_reason`). A speech
 * or model service that is down throws TransientAnalysisError (the job retries); on the job's last try the
 * analysis is FAILED with that reason instead (never left PROCESSING). A call not waiting for analysis is skipped.
 */
export async function analyseCall(deps: AnalysisDeps, callRecordId: number, options: AnalysisOptions = {}): Promise<AnalysisResult> {
  const { em } = deps;
  const call = await em.findOne(CallSchema, { id: callRecordId });
  if (!call) throw new DomainError('CALL_NOT_FOUND', `通话记录 ${callRecordId} 不存在`);
  if (call.analysisStatus !== 'PENDING' && call.analysisStatus !== 'PROCESSING') return { status: 'skipped' };
  if (!call.recordingPath) return fail(em, call, 'no recording');
  call.analysisStatus = 'PROCESSING';
  await em.flush();
  const heard = await deps.transcriber.transcribe({ path: call.recordingPath, language: 'zh' });
  if (!heard.ok) {
    const reason = `transcription ${heard.code}: ${heard.message}`;
    if ((heard.code === 'TIMEOUT' || heard.code === 'UNAVAILABLE') && !options.lastTry) throw new TransientAnalysisError(reason);
    return fail(em, call, reason);
  }
  const read = await readTranscript(deps.model, heard.text, transcriptKind(call));
  if (!read.ok && !options.insightsOptional) {
    if (read.transient && !options.lastTry) throw new TransientAnalysisError(read.reason);
    return fail(em, call, read.reason);
  }
  const insights = read.ok ? read.insights : null;
  const insightsError = read.ok ? null : read.reason;
  const customer = call.customer ? await em.findOne(CustomerSchema, { id: call.customer.id }) : null;
  // The analysis, its COMPLETED and the caller's follow-up (todo, lead, cards) commit together.
  return commitWithNotices(em, deps.notifier, async () => {
    const row = await analysisRow(em, call);
    Object.assign(row, {
      sentiment: insights?.sentiment ?? null,
      intention: insights?.intention ?? null,
      intentionScore: insights?.intentionScore ?? null,
      keywords: insights?.keywords ?? [],
      summary: insights?.summary ?? null,
      transcription: heard.text,
      failureReason: insightsError,
    });
    call.analysisStatus = 'COMPLETED';
    call.analysisError = insightsError?.slice(0, 255) ?? null;
    await em.flush();
    const notices = options.followUp ? await options.followUp(em, { call, customer, transcript: heard.text, insights, insightsError }) : [];
    return { result: { status: 'completed' as const, insights }, notices };
  });
}

function transcriptKind(call: Call): TranscriptKind {
  if (call.voicemail) return 'voicemail';
  return call.direction === 'inbound' ? 'inbound' : 'outbound';
}

async function fail(em: EntityManager, call: Call, reason: string): Promise<AnalysisResult> {
  call.analysisStatus = 'FAILED';
  call.analysisError = reason.slice(0, 255);
  const row = await analysisRow(em, call);
  row.failureReason = reason;
  await em.flush();
  return { status: 'failed', reason };
}

/** The call's `t_call_analysis` row, new if it has none (its keywords an empty list, not the column default's text). */
async function analysisRow(em: EntityManager, call: Call) {
  return (await em.findOne(CallAnalysisSchema, { call: call.id })) ?? em.create(CallAnalysisSchema, { call: call.id, keywords: [] });
}
