import { defineEntity, p, type InferEntity } from '@mikro-orm/core';
import { CallTaskPhoneSchema } from '../call-tasks/call-task-phone.entity.js';
import { CallTaskSchema } from '../call-tasks/call-task.entity.js';
import { CustomerSchema } from '../customers/customer.entity.js';
import { phoneColumns, timestamps } from '../shared/entity-columns.js';
import { ANALYSIS_STATUSES, CALL_DIRECTIONS } from '../shared/vocabulary.js';
import { StaffSchema } from '../staff/staff.entity.js';

/** Where a call came from: the 400 number (seed 003), an outreach call (seed 000), a call task (seed 004). */
export const CALL_SOURCES = ['400', 'outreach', 'task'] as const;
export type CallSource = (typeof CALL_SOURCES)[number];

/**
 * How a call ended. null while it is in progress; `unknown` when the originate's result was lost (it is
 * settled from the channel's events or by asking the switch, never redialled blindly).
 */
export const CALL_OUTCOMES = ['answered', 'busy', 'no_answer', 'rejected', 'invalid', 'line_failed', 'abandoned', 'missed', 'voicemail', 'failed', 'unknown'] as const;
export type CallOutcome = (typeof CALL_OUTCOMES)[number];

const caller = phoneColumns('caller', { nullable: true });
const callee = phoneColumns('callee');

/**
 * Every call, inbound or outbound, whoever placed it: one row per call keyed by our call id (`uuid`, which
 * is also the channel's uuid and travels as the channel variable `salesops_call_id`). Analysis, signed
 * recording links, the frequency caps, screen-pop and contact history read this table. The seeds' tables
 * (`phone_call_records`, `call_logs`, `t_call_record`) are views over it (see README "Calls").
 */
export const CallSchema = defineEntity({
  name: 'Call',
  tableName: 'calls',
  properties: {
    id: p.integer().primary().autoincrement(),
    uuid: p.string().length(64).unique(),
    direction: p.enum([...CALL_DIRECTIONS]).default('inbound'),
    source: p.enum([...CALL_SOURCES]).default('400').index(),
    task: () => p.manyToOne(CallTaskSchema).mapToPk().joinColumn('task_id').nullable().deleteRule('set null').index(),
    taskPhone: () => p.manyToOne(CallTaskPhoneSchema).mapToPk().joinColumn('task_phone_id').nullable().deleteRule('set null'),
    /** 1 for the first call of a task's number, 2 for its first retry, … */
    attempt: p.integer().nullable(),
    /** For a switch call: the gateway device it left through. */
    deviceId: p.integer().nullable(),
    caller: caller.number,
    callerLast8: caller.last8,
    callee: callee.number,
    calleeLast8: callee.last8,
    customer: () => p.manyToOne(CustomerSchema).ref().nullable().deleteRule('set null'),
    answeredBy: () => p.manyToOne(StaffSchema).mapToPk().joinColumn('answered_by').nullable(),
    ivrChoice: p.string().length(8).nullable(),
    /** The outreach script id (seed 000 call_logs.script_id). */
    scriptId: p.string().length(50).nullable(),
    startedAt: p.datetime().index(),
    /**
     * A call-task attempt claimed ahead of a line whose originate has not been let go yet (dial-pump.ts): cleared,
     * and committed, before the originate leaves — a row still true after a crash was never dialled.
     */
    claimedAhead: p.boolean().default(false),
    answeredAt: p.datetime().nullable(),
    endedAt: p.datetime().nullable(),
    duration: p.integer().default(0),
    outcome: p.enum([...CALL_OUTCOMES]).nullable(),
    recordingPath: p.string().length(500).nullable(),
    /** A vendor's recording URL (Tencent voice); our own recordings are served only through signed links. */
    recordingUrl: p.string().length(500).nullable(),
    voicemail: p.boolean().default(false),
    hangupCause: p.string().length(64).nullable(),
    errorMessage: p.text().nullable(),
    /** Recorded by a dry-run gateway (OUTREACH_DRY_RUN or no carrier outside production): no call was placed. */
    dryRun: p.boolean().default(false),
    /** null when there is nothing to analyse (no recording). */
    analysisStatus: p.enum([...ANALYSIS_STATUSES]).nullable().index(),
    /** Why the analysis failed (transcription or insights), for the call list and a manual retry. */
    analysisError: p.string().length(255).nullable(),
    ...timestamps(),
  },
  // The calls in flight on a gateway device (the call-task claim counts them under the device's lock).
  indexes: [{ properties: ['calleeLast8', 'startedAt'] }, { properties: ['deviceId', 'endedAt'] }],
});

export type Call = InferEntity<typeof CallSchema>;
