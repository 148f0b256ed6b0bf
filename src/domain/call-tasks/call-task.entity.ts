import { defineEntity, p, type InferEntity } from '@mikro-orm/core';
import { phoneColumns, timestamps } from '../shared/entity-columns.js';
import { StaffSchema } from '../staff/staff.entity.js';

export const CALL_TASK_STATUSES = ['SCHEDULED', 'RUNNING', 'STOPPED', 'COMPLETED', 'FAILED', 'CANCELLED'] as const;
export type CallTaskStatus = (typeof CALL_TASK_STATUSES)[number];

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
    createdBy: () => p.manyToOne(StaffSchema).mapToPk().joinColumn('created_by').nullable(),
    startedTime: p.datetime().nullable(),
    completedTime: p.datetime().nullable(),
    totalCalls: p.integer().default(0),
    successfulCalls: p.integer().default(0),
    intendedCustomers: p.integer().default(0),
    ...timestamps(),
  },
  indexes: [{ properties: ['createdAt'] }],
});

export type CallTask = InferEntity<typeof CallTaskSchema>;
