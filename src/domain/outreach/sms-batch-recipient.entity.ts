import { defineEntity, p, type InferEntity } from '@mikro-orm/core';
import { CustomerSchema } from '../customers/customer.entity.js';
import { phoneColumns, timestamps } from '../shared/entity-columns.js';
import { SmsBatchSchema } from './sms-batch.entity.js';

/** `unknown`: handed to the carrier but the answer was lost (timeout); never resent blindly. */
export const SMS_RECIPIENT_STATUSES = ['pending', 'sent', 'unknown', 'delivered', 'failed', 'skipped'] as const;
export type SmsRecipientStatus = (typeof SMS_RECIPIENT_STATUSES)[number];

const phone = phoneColumns('phone');

/** One number of a batch; UNIQUE (batch_id, phone) is the idempotency key of the send job. */
export const SmsBatchRecipientSchema = defineEntity({
  name: 'SmsBatchRecipient',
  tableName: 'sms_batch_recipients',
  properties: {
    id: p.integer().primary().autoincrement(),
    batch: () => p.manyToOne(SmsBatchSchema).ref().deleteRule('cascade'),
    phone: phone.number,
    phoneLast8: phone.last8,
    customer: () => p.manyToOne(CustomerSchema).ref().nullable().deleteRule('set null'),
    params: p.json<string[]>().nullable(),
    status: p.enum([...SMS_RECIPIENT_STATUSES]).default('pending'),
    reason: p.string().length(255).nullable(),
    messageId: p.string().length(100).nullable().unique(),
    /** The send request (chunk) that claimed this row; it travels to the carrier as SessionContext. */
    requestId: p.string().length(64).nullable().index(),
    serialNo: p.string().length(100).nullable(),
    sentAt: p.datetime().nullable(),
    deliveredAt: p.datetime().nullable(),
    ...timestamps(),
  },
  uniques: [{ properties: ['batch', 'phone'] }],
  indexes: [{ properties: ['batch', 'status'] }],
});

export type SmsBatchRecipient = InferEntity<typeof SmsBatchRecipientSchema>;
