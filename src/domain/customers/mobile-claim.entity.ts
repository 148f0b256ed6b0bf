import { defineEntity, p, type InferEntity } from '@mikro-orm/core';
import { CustomerSchema } from './customer.entity.js';

/**
 * Which customer a mainland mobile belongs to: one row per mobile (the primary key), so two customers
 * can never hold the same mobile, also when they are created at the same moment by parallel requests —
 * the database refuses the second claim. Written by the customers module whenever a customer's own
 * number or a contact's mobile or phone is a mobile; moved by a merge; released when no record of the
 * customer carries the number any more.
 */
export const MobileClaimSchema = defineEntity({
  name: 'MobileClaim',
  tableName: 'customer_mobile_claims',
  properties: {
    mobile: p.string().length(20).primary(),
    customer: () => p.manyToOne(CustomerSchema).ref().deleteRule('cascade'),
    claimedAt: p.datetime().onCreate(() => new Date()),
  },
});

export type MobileClaim = InferEntity<typeof MobileClaimSchema>;
