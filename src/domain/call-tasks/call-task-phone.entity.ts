import { defineEntity, p, type InferEntity } from '@mikro-orm/core';
import { phoneColumns, timestamps } from '../shared/entity-columns.js';
import { CallTaskSchema } from './call-task.entity.js';

/**
 * A number's state in its task. `pending` waits for a line (or for nextAttemptAt); `dialing` has an attempt
 * claimed (its `calls` row exists before the originate leaves); `unknown` lost its originate result and waits
 * for the channel's events. The rest are final.
 */
export const TASK_PHONE_STATUSES = ['pending', 'dialing', 'unknown', 'answered', 'no_answer', 'busy', 'rejected', 'invalid', 'abandoned', 'failed', 'skipped', 'cancelled'] as const;
export const FINAL_TASK_PHONE_STATUSES = ['answered', 'no_answer', 'busy', 'rejected', 'invalid', 'abandoned', 'failed', 'skipped', 'cancelled'] as const;
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
    /** A retry (busy, no answer, line failure) or a number deferred to the calling window waits until then. */
    nextAttemptAt: p.datetime().nullable(),
    /** Why the number was skipped (BLACKLISTED, OPTED_OUT, NO_CONSENT, FREQUENCY_CAP, …) or how it failed. */
    skipReason: p.string().length(64).nullable(),
    /** The call id of the attempt in flight or the last one. */
    lastCallId: p.string().length(64).nullable(),
    /** The answered call made this number a lead (high intention or key 1). */
    intended: p.boolean().default(false),
    ...timestamps(),
  },
  uniques: [{ properties: ['task', 'phone'] }],
  indexes: [{ properties: ['task', 'status', 'nextAttemptAt'] }],
});

export type CallTaskPhone = InferEntity<typeof CallTaskPhoneSchema>;
