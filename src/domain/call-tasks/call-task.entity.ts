import { defineEntity, p, type InferEntity } from '@mikro-orm/core';
import { phoneColumns, timestamps } from '../shared/entity-columns.js';
import { StaffSchema } from '../staff/staff.entity.js';

export const CALL_TASK_STATUSES = ['SCHEDULED', 'RUNNING', 'STOPPED', 'COMPLETED', 'FAILED', 'CANCELLED'] as const;
export type CallTaskStatus = (typeof CALL_TASK_STATUSES)[number];

/** `agent`: bridge the answered callee to a free salesperson; `robot`: play the script, then a key menu. */
export const CALL_TASK_MODES = ['agent', 'robot'] as const;
export type CallTaskMode = (typeof CALL_TASK_MODES)[number];

const callerId = phoneColumns('caller_id', { nullable: true });

/** An outbound call task (seed 004): numbers to dial with a script, scheduled by a job. */
export const CallTaskSchema = defineEntity({
  name: 'CallTask',
  tableName: 't_call_task',
  properties: {
    id: p.integer().primary().autoincrement(),
    name: p.string().length(200),
    description: p.text().nullable(),
    status: p.enum([...CALL_TASK_STATUSES]).default('SCHEDULED').index(),
    callScript: p.text(),
    scheduledTime: p.datetime().nullable().index(),
    callerId: callerId.number,
    callerIdLast8: callerId.last8,
    tags: p.json<string[]>().default('[]'),
    source: p.string().length(64).nullable(),
    mode: p.enum([...CALL_TASK_MODES]).default('agent'),
    /** Busy and no-answer numbers are retried after this many minutes, up to maxAttempts calls per number. */
    maxAttempts: p.integer().default(3),
    retryAfterMinutes: p.integer().default(30),
    /** The task's sales staff (agent mode bridges to them; leads go to them); empty = the creator. */
    salesStaffIds: p.json<number[]>().default('[]'),
    /** Why the task FAILED (no line worked for 10 minutes, …). */
    failureReason: p.string().length(255).nullable(),
    /** The last time an originate reached the callee's network (any answer, busy, no answer…), for the 10-minute rule. */
    lastLineOkAt: p.datetime().nullable(),
    createdBy: () => p.manyToOne(StaffSchema).mapToPk().joinColumn('created_by').nullable(),
    startedTime: p.datetime().nullable(),
    /** Leads handed out round-robin so far (an atomic increment gives each lead its turn, even two at once). */
    leadTurns: p.integer().default(0),
    /** When the creator's completion card was claimed (a conditional update: sent exactly once). */
    completionCardAt: p.datetime().nullable(),
    completedTime: p.datetime().nullable(),
    /** The process dialling the task now and until when its lease holds (task-lease.ts): one dialler per task. */
    diallerOwner: p.string().length(100).nullable(),
    diallerLeaseUntil: p.datetime().nullable(),
    ...timestamps(),
  },
  indexes: [{ properties: ['createdAt'] }],
});

export type CallTask = InferEntity<typeof CallTaskSchema>;
