import { defineEntity, p, type InferEntity } from '@mikro-orm/core';
import type { StaffNotification } from '../ports/notifier.port.js';

export const OUTBOX_STATUSES = ['pending', 'sent', 'failed'] as const;
export type OutboxStatus = (typeof OUTBOX_STATUSES)[number];

/**
 * One chat message to one staff member, written where the decision is made and delivered later by the
 * `notifications.deliver` job (never inside a request). `pending` rows are due at `nextAttemptAt`; a
 * process that takes a row holds it until `leasedUntil` under its `leaseToken` (an expired lease means
 * the process died: the row is taken again). Delivered rows become `sent`; after the last attempt `failed`
 * with the reason.
 */
export const NotificationOutboxSchema = defineEntity({
  name: 'NotificationOutbox',
  tableName: 'notification_outbox',
  properties: {
    id: p.integer().primary().autoincrement(),
    staffId: p.integer(),
    kind: p.string().length(32),
    /** The notification as the domain wrote it (dates as ISO strings). */
    payload: p.json<StaffNotification>(),
    status: p.enum([...OUTBOX_STATUSES]).default('pending'),
    attempts: p.integer().default(0),
    nextAttemptAt: p.datetime(),
    leasedUntil: p.datetime().nullable(),
    leaseToken: p.string().length(36).nullable(),
    /** The last failure (WeCom code and message, or why it was given up). */
    lastError: p.string().length(500).nullable(),
    /**
     * What the row is the outcome of, for the domain that wrote it (a campaign's note to an owner: the
     * campaign deliveries carry the same ref and follow this row's status, see campaign-performance.query).
     */
    ref: p.string().length(64).nullable(),
    /** Where it went: wecom, wechaty, log. */
    transport: p.string().length(16).nullable(),
    createdAt: p.datetime().onCreate(() => new Date()),
    sentAt: p.datetime().nullable(),
  },
  indexes: [{ properties: ['status', 'nextAttemptAt'] }, { properties: ['leaseToken'] }, { properties: ['ref'] }],
});

export type NotificationOutbox = InferEntity<typeof NotificationOutboxSchema>;
