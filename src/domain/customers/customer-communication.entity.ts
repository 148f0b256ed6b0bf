import { defineEntity, p, type InferEntity } from '@mikro-orm/core';
import { timestamps } from '../shared/entity-columns.js';
import { CALL_DIRECTIONS } from '../shared/vocabulary.js';
import { StaffSchema } from '../staff/staff.entity.js';
import { CONTACT_TYPES, CustomerSchema } from './customer.entity.js';
import { CustomerContactSchema } from './customer-contact.entity.js';

export const SENTIMENTS = ['positive', 'neutral', 'negative'] as const;
export const URGENCY_LEVELS = ['high', 'medium', 'low'] as const;

/**
 * A CRM communication record (seed 003), e.g. written after a 400 call from its transcript and analysis.
 * Customer is nullable so an unmatched caller (new lead) still gets a record; single tenant, no tenant_id.
 */
export const CustomerCommunicationSchema = defineEntity({
  name: 'CustomerCommunication',
  tableName: 'customer_communications',
  properties: {
    id: p.integer().primary().autoincrement(),
    recordId: p.string().length(64).unique(),
    customer: () => p.manyToOne(CustomerSchema).ref().nullable(),
    contact: () => p.manyToOne(CustomerContactSchema).ref().nullable().deleteRule('set null'),
    projectId: p.string().length(64).nullable(),
    opportunityId: p.string().length(64).nullable(),
    communicationType: p.enum([...CONTACT_TYPES]).index(),
    direction: p.enum([...CALL_DIRECTIONS]).nullable(),
    channel: p.string().length(32).nullable(),
    communicationTime: p.datetime().index(),
    duration: p.integer().nullable(),
    summary: p.text().nullable(),
    content: p.text().nullable(),
    recordingUrl: p.string().length(500).nullable(),
    attachmentUrls: p.json<string[]>().nullable(),
    intentCategory: p.string().length(32).nullable().index(),
    intentDetail: p.string().length(128).nullable(),
    productsMentioned: p.json<string[]>().nullable(),
    priceDiscussedFen: p.bigint('number').nullable(),
    quantityDiscussed: p.integer().nullable(),
    followUpRequired: p.boolean().default(false),
    followUpItems: p.json<string[]>().nullable(),
    followUpDeadline: p.datetime().nullable(),
    sentiment: p.enum([...SENTIMENTS]).nullable(),
    urgencyLevel: p.enum([...URGENCY_LEVELS]).nullable(),
    handledBy: () => p.manyToOne(StaffSchema).mapToPk().joinColumn('handled_by').nullable(),
    assignedTo: () => p.manyToOne(StaffSchema).mapToPk().joinColumn('assigned_to').nullable(),
    sourceSystem: p.string().length(32).nullable(),
    sourceRecordId: p.string().length(64).nullable().index(),
    ...timestamps(),
  },
});

export type CustomerCommunication = InferEntity<typeof CustomerCommunicationSchema>;
