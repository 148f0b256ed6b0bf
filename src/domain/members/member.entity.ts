import { defineEntity, p, type InferEntity } from '@mikro-orm/core';
import { CustomerSchema } from '../customers/customer.entity.js';
import { phoneColumns, timestamps } from '../shared/entity-columns.js';
import { CUSTOMER_SEGMENTS } from '../shared/vocabulary.js';

export const MEMBER_STATUSES = ['active', 'inactive'] as const;
export type MemberStatus = (typeof MEMBER_STATUSES)[number];

const phone = phoneColumns('phone', { nullable: true });

/**
 * A loyalty member (seed 001) with its business id; optionally the same party as a CRM customer.
 * Tiers are configurable names (upgrade rules), so `tier` is a short string, not an enum.
 */
export const MemberSchema = defineEntity({
  name: 'Member',
  tableName: 'members',
  properties: {
    id: p.string().length(50).primary(),
    customer: () => p.manyToOne(CustomerSchema).ref().nullable().deleteRule('set null'),
    name: p.string().length(64).nullable(),
    phone: phone.number,
    phoneLast8: phone.last8,
    tier: p.string().length(20).index(),
    points: p.integer().default(0),
    status: p.enum([...MEMBER_STATUSES]).default('active').index(),
    segment: p.enum([...CUSTOMER_SEGMENTS]).nullable().index(),
    tags: p.json<string[]>().default('[]'),
    joinedAt: p.datetime(),
    ...timestamps(),
  },
});

export type Member = InferEntity<typeof MemberSchema>;
