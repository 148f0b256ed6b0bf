import { defineEntity, p, type InferEntity } from '@mikro-orm/core';

export const BEHAVIOR_RUN_MODES = ['full', 'incremental'] as const;
export type BehaviorRunMode = (typeof BEHAVIOR_RUN_MODES)[number];
export const BEHAVIOR_RUN_STATUSES = ['running', 'completed', 'failed'] as const;

/**
 * One recompute of behaviour, RFM, segments and tags. `cursor` is the last member id whose chunk is
 * done in the current `step`, so a run that died resumes where it stopped; `visitWatermark` is the
 * highest member_visits id the run saw (an incremental run takes members with visits above the previous
 * completed run's watermark).
 */
export const BehaviorRunSchema = defineEntity({
  name: 'BehaviorRun',
  tableName: 'behavior_runs',
  properties: {
    id: p.integer().primary().autoincrement(),
    mode: p.enum([...BEHAVIOR_RUN_MODES]),
    status: p.enum([...BEHAVIOR_RUN_STATUSES]).default('running').index(),
    step: p.string().length(32),
    cursor: p.string().length(50).nullable(),
    asOf: p.datetime(),
    visitWatermark: p.bigint('number').default(0),
    members: p.integer().default(0),
    processed: p.integer().default(0),
    startedAt: p.datetime(),
    finishedAt: p.datetime().nullable(),
    error: p.text().nullable(),
  },
});

export type BehaviorRun = InferEntity<typeof BehaviorRunSchema>;
