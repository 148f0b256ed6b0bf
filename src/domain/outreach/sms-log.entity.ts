import { defineEntity, p, type InferEntity } from '@mikro-orm/core';
import { phoneColumns, timestamps } from '../shared/entity-columns.js';
import { SMS_CATEGORIES } from '../shared/vocabulary.js';

export const SMS_LOG_STATUSES = ['pending', 'sent', 'delivered', 'failed'] as const;
export type SmsLogStatus = (typeof SMS_LOG_STATUSES)[number];

const phone = phoneColumns('phone_number');

/**
 * Every SMS we hand to the gateway (seed 000). `category` lets the frequency cap count only marketing
 * messages per number; `message_id` is ours until the vendor's serial number arrives in `serial_no`.
 */
export const SmsLogSchema = defineEntity({
  name: 'SmsLog',
  tableName: 'sms_logs',
  properties: {
    id: p.integer().primary().autoincrement(),
    messageId: p.string().length(100).unique(),
    phoneNumber: phone.number.index(),
    phoneNumberLast8: phone.last8,
    content: p.text(),
    templateId: p.string().length(50).nullable(),
    category: p.enum([...SMS_CATEGORIES]).nullable(),
    status: p.enum([...SMS_LOG_STATUSES]).default('pending').index(),
    requestId: p.string().length(64).nullable().index(),
    serialNo: p.string().length(100).nullable().index(),
    sentAt: p.datetime().nullable().index(),
    deliveredAt: p.datetime().nullable(),
    errorMessage: p.text().nullable(),
    /** Recorded by a dry-run gateway (OUTREACH_DRY_RUN or no carrier outside production): nothing was sent. */
    dryRun: p.boolean().default(false),
    ...timestamps(),
  },
});

export type SmsLog = InferEntity<typeof SmsLogSchema>;
