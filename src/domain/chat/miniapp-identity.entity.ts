import { defineEntity, p, type InferEntity } from '@mikro-orm/core';
import { CustomerSchema } from '../customers/customer.entity.js';
import { timestamps } from '../shared/entity-columns.js';
import { StaffSchema } from '../staff/staff.entity.js';

/**
 * One WeChat user of the mini-program (by openid) and whom they are bound to: a customer, a staff member,
 * or nobody yet. `session_key` is WeChat's secret for decrypting user data: kept here, never sent out.
 */
export const MiniappIdentitySchema = defineEntity({
  name: 'MiniappIdentity',
  tableName: 'miniapp_identities',
  properties: {
    id: p.integer().primary().autoincrement(),
    openId: p.string().length(64).unique(),
    unionId: p.string().length(64).nullable(),
    sessionKey: p.string().length(128).hidden(),
    customer: () => p.manyToOne(CustomerSchema).ref().nullable().deleteRule('set null'),
    staff: () => p.manyToOne(StaffSchema).mapToPk().joinColumn('staff_id').nullable().deleteRule('set null'),
    lastLoginAt: p.datetime(),
    ...timestamps(),
  },
});

export type MiniappIdentity = InferEntity<typeof MiniappIdentitySchema>;
