import type { EntityManager } from '@mikro-orm/core';
import { analyseCall } from '../calls/call-analysis.service.js';
import { CallSchema } from '../calls/call.entity.js';
import type { LanguageModel } from '../ports/language-model.port.js';
import type { Notifier } from '../ports/notifier.port.js';
import type { Transcriber } from '../ports/transcriber.port.js';
import { CallTaskSchema } from './call-task.entity.js';
import { notifyTaskFinished } from './completion-card.js';
import { highIntentionLead, makeTaskLead } from './task-leads.js';

export type AfterCallDeps = { em: EntityManager; notifier: Notifier; transcriber: Transcriber; model: LanguageModel; timeZone: string; now(): Date };

export type AfterCallResult = { lead: 'key_1' | 'high_intention' | null; analysis: 'completed' | 'failed' | 'none' };

/**
 * What follows an answered task call's hang-up (the job chained on it, so a hot lead reaches a person
 * within a minute): key 1 in robot mode makes the number a lead at once; the recording is analysed (seed
 * 004 §2.5) and a high-intention call makes it a lead too (once per number, whichever comes first). On the
 * job's last try a speech or model service still down makes the analysis FAILED with the reason (so the
 * task's completion card, which waits for every analysis, is sent).
 */
export async function afterTaskCall(deps: AfterCallDeps, callRecordId: number, options: { lastTry?: boolean } = {}): Promise<AfterCallResult> {
  const { em } = deps;
  const call = await em.findOne(CallSchema, { id: callRecordId });
  if (!call?.task || !call.answeredAt) return { lead: null, analysis: 'none' };
  const leadDeps = () => ({ em: em.fork(), notifier: deps.notifier, timeZone: deps.timeZone, now: deps.now() });
  let lead: AfterCallResult['lead'] = null;
  if (call.ivrChoice === '1' && (await makeTaskLead(leadDeps(), call.id, 'key_1'))) lead = 'key_1';
  let analysed: AfterCallResult['analysis'] = 'none';
  if (call.analysisStatus === 'PENDING' || call.analysisStatus === 'PROCESSING') {
    // The calls' one analysis step; a high-intention call's lead is its follow-up (committed with it).
    const followUp = highIntentionLead(deps, () => (lead = 'high_intention'));
    const analysis = await analyseCall({ em: em.fork(), transcriber: deps.transcriber, model: deps.model, notifier: deps.notifier }, call.id, { ...options, followUp });
    analysed = analysis.status === 'completed' ? 'completed' : analysis.status === 'failed' ? 'failed' : 'none';
  }
  // The task ended while this call waited for its analysis: the completion card waited for it. Also when
  // the analysis was done by an earlier run of this job whose process died before this step (the job runs
  // again): the claim in the card's transaction decides whether the card is still to be queued.
  const task = await em.fork().findOne(CallTaskSchema, { id: call.task }, { fields: ['status'] });
  if (task && (task.status === 'COMPLETED' || task.status === 'FAILED')) await notifyTaskFinished(em, deps.notifier, task.id, deps.now());
  return { lead, analysis: analysed };
}
