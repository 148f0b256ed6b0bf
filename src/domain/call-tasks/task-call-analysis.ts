import type { EntityManager } from '@mikro-orm/core';
import { z } from 'zod';
import { CALL_INTENTIONS, CALL_SENTIMENTS, CallAnalysisSchema } from '../calls/call-analysis.entity.js';
import { CallSchema, type Call } from '../calls/call.entity.js';
import type { LanguageModel } from '../ports/language-model.port.js';
import type { Transcriber } from '../ports/transcriber.port.js';

/** Seed 004 §2.5: what the model must return for a task call's transcript. */
export const TaskCallAnalysisSchema = z
  .object({
    sentiment: z.enum(CALL_SENTIMENTS),
    intention: z.enum(CALL_INTENTIONS),
    intentionScore: z.number().min(0).max(1),
    keywords: z.array(z.string().min(1).max(50)).max(20),
    summary: z.string().min(1).max(2000),
  })
  .strict();
export type TaskCallAnalysis = z.infer<typeof TaskCallAnalysisSchema>;

const SYSTEM = [
  '你是外呼销售团队的通话分析助手。下面是一通外呼电话的转录文本（客服主动致电客户）。只输出一个 JSON 对象，不要输出其他文字。',
  '字段: sentiment (客户情绪: POSITIVE / NEUTRAL / NEGATIVE 之一), intention (客户购买意向: 高意向 / 中意向 / 低意向 / 无意向 之一),',
  'intentionScore (意向分数, 0 到 1 之间的小数), keywords (关键词数组, 最多 20 个), summary (通话摘要, 一两句话)。',
].join('\n');

export type AnalysisOutcome = { ok: true; analysis: TaskCallAnalysis } | { ok: false; reason: string; transient: boolean };

/** A failure worth another job run (the speech or model service timed out or is down). */
export class TransientTaskAnalysisError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TransientTaskAnalysisError';
  }
}

/**
 * Asks the model for strict JSON and validates it with zod; a reply that is not valid is asked for once
 * more (saying what was wrong), then given up as a value with the reason.
 */
export async function analyseTranscript(model: LanguageModel, transcript: string): Promise<AnalysisOutcome> {
  const messages = [
    { role: 'system' as const, content: SYSTEM },
    { role: 'user' as const, content: `通话内容:\n${transcript.slice(0, 12_000)}` },
  ];
  let problem = '';
  for (let attempt = 0; attempt < 2; attempt++) {
    const reply = await model.complete(attempt === 0 ? messages : [...messages, { role: 'user', content: `上次的输出不合格 (${problem})。请只输出符合字段要求的 JSON。` }], { json: true, maxTokens: 800 });
    if (!reply.ok) {
      if (reply.code === 'NOT_CONFIGURED') return { ok: false, reason: 'language model not configured', transient: false };
      if (reply.code === 'TIMEOUT' || reply.code === 'UNAVAILABLE') return { ok: false, reason: `model ${reply.code}: ${reply.message}`, transient: true };
      problem = `${reply.code}: ${reply.message}`;
      continue;
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(reply.text.trim().replace(/^```(?:json)?\s*/i, '').replace(/```$/, ''));
    } catch {
      problem = 'not JSON';
      continue;
    }
    const checked = TaskCallAnalysisSchema.safeParse(parsed);
    if (checked.success) return { ok: true, analysis: checked.data };
    problem = checked.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ').slice(0, 200);
  }
  return { ok: false, reason: `invalid model JSON after one retry: ${problem}`.slice(0, 255), transient: false };
}

export type TaskAnalysisDeps = { em: EntityManager; transcriber: Transcriber; model: LanguageModel };

async function fail(em: EntityManager, call: Call, reason: string): Promise<void> {
  call.analysisStatus = 'FAILED';
  call.analysisError = reason.slice(0, 255);
  const row = (await em.findOne(CallAnalysisSchema, { call: call.id })) ?? em.create(CallAnalysisSchema, { call: call.id });
  row.failureReason = reason;
  await em.flush();
}

/**
 * Seed 004 §2.5 for one answered task call: `PENDING → PROCESSING`, the recording transcribed, the
 * transcript analysed (sentiment, intention with a 0–1 score, keywords, summary; strict JSON, one retry),
 * stored in `t_call_analysis`, `→ COMPLETED`; or `→ FAILED` with the reason. A speech or model service
 * that is down throws TransientTaskAnalysisError (the job retries); on the job's last try it is FAILED with
 * that reason instead (never left PROCESSING). Returns the analysis or null.
 */
export async function analyseTaskCall(deps: TaskAnalysisDeps, callRecordId: number, options: { lastTry?: boolean } = {}): Promise<TaskCallAnalysis | null> {
  const { em } = deps;
  const call = await em.findOne(CallSchema, { id: callRecordId });
  if (!call || call.analysisStatus === 'COMPLETED' || call.analysisStatus === 'FAILED') return null;
  if (!call.recordingPath) {
    await fail(em, call, 'no recording');
    return null;
  }
  call.analysisStatus = 'PROCESSING';
  await em.flush();
  const heard = await deps.transcriber.transcribe({ path: call.recordingPath, language: 'zh' });
  if (!heard.ok) {
    const reason = `transcription ${heard.code}: ${heard.message}`;
    if ((heard.code === 'TIMEOUT' || heard.code === 'UNAVAILABLE') && !options.lastTry) throw new TransientTaskAnalysisError(reason);
    await fail(em, call, reason);
    return null;
  }
  const result = await analyseTranscript(deps.model, heard.text);
  if (!result.ok) {
    if (result.transient && !options.lastTry) throw new TransientTaskAnalysisError(result.reason);
    await fail(em, call, result.reason);
    return null;
  }
  const a = result.analysis;
  const row = (await em.findOne(CallAnalysisSchema, { call: call.id })) ?? em.create(CallAnalysisSchema, { call: call.id });
  Object.assign(row, { sentiment: a.sentiment, intention: a.intention, intentionScore: a.intentionScore, keywords: a.keywords, summary: a.summary, transcription: heard.text, failureReason: null });
  call.analysisStatus = 'COMPLETED';
  call.analysisError = null;
  await em.flush();
  return a;
}
