import { defineEntity, p, type InferEntity } from '@mikro-orm/core';
import { phoneColumns, timestamps } from '../shared/entity-columns.js';
import { CallTaskSchema } from './call-task.entity.js';

export const TASK_PHONE_STATUSES = ['pending', 'dialing', 'answered', 'no_answer', 'busy', 'failed', 'skipped'] as const;
export type TaskPhoneStatus = (typeof TASK_PHONE_STATUSES)[number];

const phone = phoneColumns('phone');

/** A number of a call task and how dialling it went; UNIQUE (task_id, phone) keeps dialling idempotent. */
export const CallTaskPhoneSchema = defineEntity({
  name: 'CallTaskPhone',
  tableName: 't_call_task_phones',
  properties: {
    id: p.integer().primary().autoincrement(),
    task: () => p.manyToOne(CallTaskSchema).ref().deleteRule('cascade'),
    phone: phone.number,
    phoneLast8: phone.last8,
    status: p.enum([...TASK_PHONE_STATUSES]).default('pending'),
    attempts: p.integer().default(0),
    lastAttemptAt: p.datetime().nullable(),
    ...timestamps(),
  },
  uniques: [{ properties: ['task', 'phone'] }],
  indexes: [{ properties: ['task', 'status'] }],
});

export type CallTaskPhone = InferEntity<typeof CallTaskPhoneSchema>;
