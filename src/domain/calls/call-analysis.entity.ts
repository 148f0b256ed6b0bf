import { defineEntity, p, type InferEntity } from '@mikro-orm/core';
import { timestamps } from '../shared/entity-columns.js';
import { CallSchema } from './call.entity.js';

export const CALL_SENTIMENTS = ['POSITIVE', 'NEUTRAL', 'NEGATIVE'] as const;
export type CallSentiment = (typeof CALL_SENTIMENTS)[number];

export const CALL_INTENTIONS = ['高意向', '中意向', '低意向', '无意向'] as const;
export type CallIntention = (typeof CALL_INTENTIONS)[number];

/** The analysis of one call (seed 004 t_call_analysis): transcript, sentiment, intention with a 0-1 score, keywords, summary. */
export const CallAnalysisSchema = defineEntity({
  name: 'CallAnalysis',
  tableName: 't_call_analysis',
  properties: {
    id: p.integer().primary().autoincrement(),
    call: () => p.oneToOne(CallSchema).owner().mapToPk().joinColumn('record_id').deleteRule('cascade'),
    sentiment: p.enum([...CALL_SENTIMENTS]).nullable(),
    keywords: p.json<string[]>().default('[]'),
    intention: p.string().length(64).nullable(),
    intentionScore: p.double().nullable(),
    summary: p.text().nullable(),
    transcription: p.text().nullable(),
    failureReason: p.text().nullable(),
    ...timestamps(),
  },
});

export type CallAnalysis = InferEntity<typeof CallAnalysisSchema>;
