import { defineEntity, p, type InferEntity } from '@mikro-orm/core';
import { phoneColumns, timestamps } from '../shared/entity-columns.js';

export const CALL_LOG_STATUSES = ['initiated', 'ringing', 'answered', 'busy', 'no_answer', 'failed', 'completed'] as const;
export type CallLogStatus = (typeof CALL_LOG_STATUSES)[number];

const phone = phoneColumns('phone_number');

/** An outreach call placed through the voice gateway (seed 000); the recording URL is the vendor's. */
export const CallLogSchema = defineEntity({
  name: 'CallLog',
  tableName: 'call_logs',
  properties: {
    id: p.integer().primary().autoincrement(),
    callId: p.string().length(100).unique(),
    phoneNumber: phone.number.index(),
    phoneNumberLast8: phone.last8,
    scriptId: p.string().length(50).nullable(),
    status: p.enum([...CALL_LOG_STATUSES]).default('initiated').index(),
    duration: p.integer().default(0),
    recordingUrl: p.string().length(500).nullable(),
    startedAt: p.datetime().nullable().index(),
    endedAt: p.datetime().nullable(),
    errorMessage: p.text().nullable(),
    /** Recorded by a dry-run gateway (OUTREACH_DRY_RUN or no carrier outside production): no call was placed. */
    dryRun: p.boolean().default(false),
    ...timestamps(),
  },
});

export type CallLog = InferEntity<typeof CallLogSchema>;
