import { defineEntity, p, type InferEntity } from '@mikro-orm/core';
import { CustomerSchema } from '../customers/customer.entity.js';
import { phoneColumns } from '../shared/entity-columns.js';
import { CONTACT_CHANNELS } from '../shared/vocabulary.js';
import { StaffSchema } from '../staff/staff.entity.js';

export const CONSENT_STATES = ['granted', 'revoked', 'opted_out', 'blacklisted'] as const;
export type ConsentState = (typeof CONSENT_STATES)[number];

const phone = phoneColumns('phone');

/**
 * The consent / opt-out / blacklist ledger: append-only, the newest row per (phone, channel) wins.
 * Keyed by number rather than customer, because opt-outs arrive from numbers we may not know.
 */
export const ConsentSchema = defineEntity({
  name: 'Consent',
  tableName: 'consents',
  properties: {
    id: p.integer().primary().autoincrement(),
    customer: () => p.manyToOne(CustomerSchema).ref().nullable().deleteRule('set null'),
    phone: phone.number,
    phoneLast8: phone.last8,
    channel: p.enum([...CONTACT_CHANNELS]),
    state: p.enum([...CONSENT_STATES]),
    source: p.string().length(32),
    reason: p.string().length(255).nullable(),
    /** What proves it: a signed form's reference, an imported file's origin, the consent text a customer accepted. */
    evidence: p.string().length(500).nullable(),
    /** Version of the consent text the customer was shown (mini-program), null otherwise. */
    textVersion: p.string().length(32).nullable(),
    recordedBy: () => p.manyToOne(StaffSchema).mapToPk().joinColumn('recorded_by').nullable(),
    recordedAt: p.datetime(),
    /**
     * Identifies the outside event a row records (a carrier's SMS reply: number, carrier time, text), so a
     * replayed callback is recorded once; null for rows without such an event.
     */
    dedupKey: p.string().length(64).nullable().unique(),
  },
  indexes: [{ properties: ['phone', 'channel', 'recordedAt'] }],
});

export type Consent = InferEntity<typeof ConsentSchema>;
