import { defineEntity, p, type InferEntity } from '@mikro-orm/core';
import { timestamps } from '../shared/entity-columns.js';
import { CallRecordSchema } from './call-record.entity.js';

export const CALL_SENTIMENTS = ['POSITIVE', 'NEUTRAL', 'NEGATIVE'] as const;
export type CallSentiment = (typeof CALL_SENTIMENTS)[number];

/** The analysis of one call record (seed 004): transcript, sentiment, intention 0-100, keywords. */
export const CallAnalysisSchema = defineEntity({
  name: 'CallAnalysis',
  tableName: 't_call_analysis',
  properties: {
    id: p.integer().primary().autoincrement(),
    record: () => p.oneToOne(CallRecordSchema).owner().ref().deleteRule('cascade'),
    sentiment: p.enum([...CALL_SENTIMENTS]).nullable(),
    keywords: p.json<string[]>().default('[]'),
    intention: p.string().length(64).nullable(),
    intentionScore: p.integer().nullable(),
    summary: p.text().nullable(),
    transcription: p.text().nullable(),
    failureReason: p.text().nullable(),
    ...timestamps(),
  },
});

export type CallAnalysis = InferEntity<typeof CallAnalysisSchema>;
