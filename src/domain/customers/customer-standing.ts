import type { EntityManager } from '@mikro-orm/core';
import { MemberSchema } from '../members/member.entity.js';
import { CUSTOMER_SEGMENTS, type CustomerSegment } from '../shared/vocabulary.js';
import { CustomerSchema, type CustomerLevel } from './customer.entity.js';

/**
 * Where a customer stands: the RFM segment of their membership (the segmentation run copies the best
 * membership's segment onto `customers.segment`, so every reader of that column sees the same value; staff
 * or an import set it only for customers without a membership), the CRM level staff set (seed 003:
 * vip/normal/potential), the tier of their oldest active membership, and whether they are a VIP.
 */
export type CustomerStanding = {
  customerId: string;
  segment: CustomerSegment | null;
  level: CustomerLevel;
  tier: string | null;
  isVip: boolean;
};

/**
 * The one VIP rule: a customer is a VIP when staff marked them VIP (level `vip`) or their RFM segment is
 * `VIP`. Either one is enough; a VIP by level stays a VIP in a month the RFM scores dip.
 */
export function isVip(input: { segment?: string | null; level?: string | null }): boolean {
  return input.segment === 'VIP' || input.level === 'vip';
}

/** A segment value as stored or stated (case-insensitive `vip`), or null when it is none of the six. */
export function parseSegment(value: string | null | undefined): CustomerSegment | null {
  if (!value) return null;
  if (value.toUpperCase() === 'VIP') return 'VIP';
  return (CUSTOMER_SEGMENTS as readonly string[]).includes(value) ? (value as CustomerSegment) : null;
}

/**
 * With several memberships a customer stands where their best one does (VIP first, churn risk last); the
 * segmentation run writes this onto `customers.segment` in SQL.
 */
export const SEGMENT_RANK: Record<CustomerSegment, number> = { VIP: 0, loyal: 1, potential: 2, regular: 3, new: 4, churn_risk: 5 };

/** The standing of each customer id given (unknown ids are left out). Two queries whatever the count. */
export async function customerStandings(em: EntityManager, customerIds: string[]): Promise<Map<string, CustomerStanding>> {
  const out = new Map<string, CustomerStanding>();
  if (customerIds.length === 0) return out;
  const [customers, members] = await Promise.all([
    em.find(CustomerSchema, { id: { $in: customerIds } }, { fields: ['id', 'segment', 'level'], disableIdentityMap: true }),
    em.find(MemberSchema, { customer: { $in: customerIds }, status: 'active' }, { fields: ['id', 'customer', 'tier', 'joinedAt'], orderBy: { joinedAt: 'asc' }, disableIdentityMap: true }),
  ]);
  for (const c of customers) {
    const own = members.filter((m) => m.customer?.id === c.id);
    const segment = parseSegment(c.segment);
    out.set(c.id, { customerId: c.id, segment, level: c.level, tier: own[0]?.tier ?? null, isVip: isVip({ segment, level: c.level }) });
  }
  return out;
}

/** The standing of one customer, or null when there is no such customer. */
export async function customerStanding(em: EntityManager, customerId: string): Promise<CustomerStanding | null> {
  return (await customerStandings(em, [customerId])).get(customerId) ?? null;
}
