import { defineEntity, p, type InferEntity } from '@mikro-orm/core';
import { phoneColumns, timestamps } from '../shared/entity-columns.js';
import { CUSTOMER_SEGMENTS } from '../shared/vocabulary.js';
import { StaffSchema } from '../staff/staff.entity.js';

export const CUSTOMER_LEVELS = ['vip', 'normal', 'potential'] as const;
export type CustomerLevel = (typeof CUSTOMER_LEVELS)[number];
export const CONTACT_TYPES = ['phone', 'sms', 'wechat', 'email', 'meeting', 'visit'] as const;
export type ContactType = (typeof CONTACT_TYPES)[number];

const phone = phoneColumns('phone', { nullable: true });

/** A customer (company or person) with its business id such as CUST_001, owner and value figures. */
export const CustomerSchema = defineEntity({
  name: 'Customer',
  tableName: 'customers',
  properties: {
    id: p.string().length(64).primary(),
    companyName: p.string().length(128).nullable(),
    name: p.string().length(64),
    phone: phone.number,
    phoneLast8: phone.last8,
    level: p.enum([...CUSTOMER_LEVELS]).default('normal').index(),
    segment: p.enum([...CUSTOMER_SEGMENTS]).nullable().index(),
    ownerStaff: () => p.manyToOne(StaffSchema).mapToPk().joinColumn('owner_staff_id').nullable(),
    annualRevenueFen: p.bigint('number').default(0),
    orderCount: p.integer().default(0),
    lastContactAt: p.datetime().nullable(),
    lastContactType: p.enum([...CONTACT_TYPES]).nullable(),
    lastVisitAt: p.datetime().nullable().index(),
    birthday: p.date().nullable(),
    tags: p.json<string[]>().default('[]'),
    notes: p.text().nullable(),
    source: p.string().length(32).nullable(),
    ...timestamps(),
  },
});

export type Customer = InferEntity<typeof CustomerSchema>;
