import { defineEntity, p, type InferEntity } from '@mikro-orm/core';
import { CustomerContactSchema } from '../customers/customer-contact.entity.js';
import { CustomerSchema } from '../customers/customer.entity.js';
import { phoneColumns } from '../shared/entity-columns.js';
import { CallSchema } from './call.entity.js';

export const MATCH_KINDS = ['exact', 'last8', 'none'] as const;
export type MatchKind = (typeof MATCH_KINDS)[number];

const caller = phoneColumns('caller_number');

/** What caller identification found for a call (seed 003), as shown on the screen-pop at that time. */
export const CallerIdentificationSchema = defineEntity({
  name: 'CallerIdentification',
  tableName: 'caller_identifications',
  properties: {
    id: p.integer().primary().autoincrement(),
    callRecord: () => p.manyToOne(CallSchema).ref().nullable().deleteRule('cascade'),
    callerNumber: caller.number,
    callerNumberLast8: caller.last8,
    matchKind: p.enum([...MATCH_KINDS]).default('none'),
    matchedCustomer: () => p.manyToOne(CustomerSchema).ref().nullable().deleteRule('set null'),
    matchedContact: () => p.manyToOne(CustomerContactSchema).ref().nullable().deleteRule('set null'),
    matchConfidence: p.decimal('number').precision(3).scale(2).nullable(),
    companyName: p.string().length(128).nullable(),
    contactName: p.string().length(64).nullable(),
    department: p.string().length(64).nullable(),
    position: p.string().length(64).nullable(),
    customerLevel: p.string().length(32).nullable(),
    identifiedAt: p.datetime().onCreate(() => new Date()),
  },
});

export type CallerIdentification = InferEntity<typeof CallerIdentificationSchema>;
