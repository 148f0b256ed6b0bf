import { defineEntity, p, type InferEntity } from '@mikro-orm/core';
import { CustomerSchema } from '../customers/customer.entity.js';
import { phoneColumns, timestamps } from '../shared/entity-columns.js';
import { ANALYSIS_STATUSES, CALL_DIRECTIONS } from '../shared/vocabulary.js';
import { StaffSchema } from '../staff/staff.entity.js';

const caller = phoneColumns('caller');
const callee = phoneColumns('callee');

/**
 * A call through the 400 number (seed 003), keyed by the switch's channel uuid. `analysis_status` is
 * null when there is nothing to analyse (no recording).
 */
export const PhoneCallRecordSchema = defineEntity({
  name: 'PhoneCallRecord',
  tableName: 'phone_call_records',
  properties: {
    id: p.integer().primary().autoincrement(),
    uuid: p.string().length(64).unique(),
    direction: p.enum([...CALL_DIRECTIONS]).default('inbound'),
    caller: caller.number,
    callerLast8: caller.last8,
    callee: callee.number,
    calleeLast8: callee.last8,
    customer: () => p.manyToOne(CustomerSchema).ref().nullable().deleteRule('set null'),
    answeredBy: () => p.manyToOne(StaffSchema).mapToPk().joinColumn('answered_by').nullable(),
    ivrChoice: p.string().length(8).nullable(),
    startedAt: p.datetime().index(),
    answeredAt: p.datetime().nullable(),
    endedAt: p.datetime().nullable(),
    duration: p.integer().default(0),
    recordingPath: p.string().length(500).nullable(),
    voicemail: p.boolean().default(false),
    hangupCause: p.string().length(64).nullable(),
    analysisStatus: p.enum([...ANALYSIS_STATUSES]).nullable().index(),
    /** Why the analysis failed (transcription or insights), for the call list and a manual retry. */
    analysisError: p.string().length(255).nullable(),
    ...timestamps(),
  },
});

export type PhoneCallRecord = InferEntity<typeof PhoneCallRecordSchema>;
