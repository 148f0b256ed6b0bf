import { defineEntity, p, type InferEntity } from '@mikro-orm/core';
import { phoneColumns, timestamps } from '../shared/entity-columns.js';
import { ANALYSIS_STATUSES } from '../shared/vocabulary.js';
import { CallTaskSchema } from './call-task.entity.js';

const phone = phoneColumns('phone');

/** An outbound call of a task (seed 004); the recording is served only through signed URLs. */
export const CallRecordSchema = defineEntity({
  name: 'CallRecord',
  tableName: 't_call_record',
  properties: {
    id: p.integer().primary().autoincrement(),
    task: () => p.manyToOne(CallTaskSchema).ref().nullable().deleteRule('set null'),
    callUuid: p.string().length(64).nullable().unique(),
    phone: phone.number.index(),
    phoneLast8: phone.last8,
    startTime: p.datetime().index(),
    endTime: p.datetime().nullable(),
    duration: p.integer().default(0),
    recordingPath: p.string().length(500).nullable(),
    analysisStatus: p.enum([...ANALYSIS_STATUSES]).default('PENDING').index(),
    hangupCause: p.string().length(64).nullable(),
    ...timestamps(),
  },
});

export type CallRecord = InferEntity<typeof CallRecordSchema>;
