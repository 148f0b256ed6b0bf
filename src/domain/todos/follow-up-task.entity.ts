import { defineEntity, p, type InferEntity } from '@mikro-orm/core';
import { CustomerSchema } from '../customers/customer.entity.js';
import { timestamps } from '../shared/entity-columns.js';
import { StaffSchema } from '../staff/staff.entity.js';

export const TASK_PRIORITIES = ['low', 'medium', 'high', 'urgent'] as const;
export type TaskPriority = (typeof TASK_PRIORITIES)[number];
export const TASK_STATUSES = ['pending', 'in_progress', 'completed', 'cancelled'] as const;
export type TaskStatus = (typeof TASK_STATUSES)[number];

/**
 * A follow-up task (seed 000) and the general todo of every source (400 calls, voicemail, feedback,
 * manual). `due_date` is the Asia/Shanghai business day, `due_at` the exact deadline when there is one;
 * customer is null for a voicemail or a new lead not yet in the CRM.
 */
export const FollowUpTaskSchema = defineEntity({
  name: 'FollowUpTask',
  tableName: 'follow_up_tasks',
  properties: {
    id: p.integer().primary().autoincrement(),
    customer: () => p.manyToOne(CustomerSchema).ref().nullable().deleteRule('cascade'),
    title: p.string().length(200),
    reason: p.string().length(100).nullable(),
    source: p.string().length(32).default('manual'),
    relatedRecordId: p.string().length(64).nullable().index(),
    priority: p.enum([...TASK_PRIORITIES]).default('medium'),
    dueDate: p.date().index(),
    dueAt: p.datetime().nullable(),
    status: p.enum([...TASK_STATUSES]).default('pending').index(),
    assignedTo: () => p.manyToOne(StaffSchema).mapToPk().joinColumn('assigned_to').nullable(),
    notes: p.text().nullable(),
    completedAt: p.datetime().nullable(),
    /** When the assignee was last reminded of the deadline (one reminder per todo). */
    remindedAt: p.datetime().nullable(),
    ...timestamps(),
  },
  indexes: [{ properties: ['assignedTo', 'status', 'dueDate'] }],
});

export type FollowUpTask = InferEntity<typeof FollowUpTaskSchema>;
