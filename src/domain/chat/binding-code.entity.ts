import { defineEntity, p, type InferEntity } from '@mikro-orm/core';
import { CustomerSchema } from '../customers/customer.entity.js';
import { StaffSchema } from '../staff/staff.entity.js';

export const BINDING_PURPOSES = ['staff', 'customer'] as const;
export type BindingPurpose = (typeof BINDING_PURPOSES)[number];

/**
 * A one-time code the bot hands out: a staff member binds their mini-program identity or WeChat contact
 * with a `staff` code; a customer binds their mini-program identity with a `customer` code their sales
 * person issued. Only the SHA-256 of the code is stored; a code works once and expires.
 */
export const BindingCodeSchema = defineEntity({
  name: 'BindingCode',
  tableName: 'binding_codes',
  properties: {
    id: p.integer().primary().autoincrement(),
    codeHash: p.string().length(64).unique(),
    purpose: p.enum([...BINDING_PURPOSES]),
    staff: () => p.manyToOne(StaffSchema).mapToPk().joinColumn('staff_id').nullable().deleteRule('cascade'),
    customer: () => p.manyToOne(CustomerSchema).ref().nullable().deleteRule('cascade'),
    issuedBy: () => p.manyToOne(StaffSchema).mapToPk().joinColumn('issued_by').nullable(),
    expiresAt: p.datetime().index(),
    usedAt: p.datetime().nullable(),
    usedBy: p.string().length(128).nullable(),
    createdAt: p.datetime().onCreate(() => new Date()),
  },
});

export type BindingCode = InferEntity<typeof BindingCodeSchema>;
