import { defineEntity, p, type InferEntity } from '@mikro-orm/core';
import { CustomerSchema } from '../customers/customer.entity.js';
import { phoneColumns } from '../shared/entity-columns.js';
import { CONTACT_CHANNELS } from '../shared/vocabulary.js';
import { StaffSchema } from '../staff/staff.entity.js';

export const CONTACT_HISTORY_TYPES = ['follow_up', 'invitation', 'reminder', 'survey'] as const;
export type ContactHistoryType = (typeof CONTACT_HISTORY_TYPES)[number];

const phone = phoneColumns('phone', { nullable: true });

/**
 * Each outreach touch (seed 000); `created_by` null means the system did it. A send to a number that is
 * not (yet) a customer keeps the number, so every send is in the history.
 */
export const ContactHistorySchema = defineEntity({
  name: 'ContactHistory',
  tableName: 'contact_history',
  properties: {
    id: p.integer().primary().autoincrement(),
    customer: () => p.manyToOne(CustomerSchema).ref().nullable().deleteRule('cascade'),
    phone: phone.number,
    phoneLast8: phone.last8,
    channel: p.enum([...CONTACT_CHANNELS]).index(),
    type: p.enum([...CONTACT_HISTORY_TYPES]).index(),
    content: p.text(),
    status: p.string().length(50),
    result: p.text().nullable(),
    /** The sms_logs row of an SMS touch: `status` follows that row's outcome (see contact-history.sms.ts). */
    smsMessageId: p.string().length(100).nullable().index(),
    /** Recorded by a dry-run gateway (OUTREACH_DRY_RUN or no carrier outside production): nothing was sent. */
    dryRun: p.boolean().default(false),
    createdAt: p.datetime().onCreate(() => new Date()).index(),
    createdBy: () => p.manyToOne(StaffSchema).mapToPk().joinColumn('created_by').nullable(),
  },
  indexes: [{ properties: ['customer', 'createdAt'] }],
});

export type ContactHistory = InferEntity<typeof ContactHistorySchema>;
