import { defineEntity, p, type InferEntity } from '@mikro-orm/core';
import { phoneColumns, timestamps } from '../shared/entity-columns.js';
import { CustomerSchema } from './customer.entity.js';

export const PHONE_TYPES = ['mobile', 'landline', 'wechat'] as const;
export const CALL_PREFERENCES = ['any', 'morning', 'afternoon'] as const;

const phone = phoneColumns('phone', { nullable: true });
const mobile = phoneColumns('mobile', { nullable: true });

/** A person at a customer; caller identification matches its phone and mobile by their last 8 digits. */
export const CustomerContactSchema = defineEntity({
  name: 'CustomerContact',
  tableName: 'customer_contacts',
  properties: {
    id: p.integer().primary().autoincrement(),
    customer: () => p.manyToOne(CustomerSchema).ref().deleteRule('cascade'),
    name: p.string().length(64),
    phone: phone.number,
    phoneLast8: phone.last8,
    mobile: mobile.number,
    mobileLast8: mobile.last8,
    department: p.string().length(64).nullable(),
    position: p.string().length(64).nullable(),
    phoneType: p.enum([...PHONE_TYPES]).default('mobile'),
    isPrimary: p.boolean().default(false),
    callPreference: p.enum([...CALL_PREFERENCES]).default('any'),
    lastCallDate: p.datetime().nullable(),
    callCount: p.integer().default(0),
    ...timestamps(),
  },
});

export type CustomerContact = InferEntity<typeof CustomerContactSchema>;
