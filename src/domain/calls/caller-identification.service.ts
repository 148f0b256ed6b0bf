import { randomBytes } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/core';
import { CustomerContactSchema } from '../customers/customer-contact.entity.js';
import { CustomerSchema, type CustomerLevel } from '../customers/customer.entity.js';
import { customerStandings, type CustomerStanding } from '../customers/customer-standing.js';
import { resolvePhone } from '../customers/phone-resolution.js';
import type { NormalizedPhone } from '../shared/phone.js';
import type { CustomerSegment } from '../shared/vocabulary.js';
import type { MatchKind } from './caller-identification.entity.js';

export type MatchedCustomer = {
  id: string;
  /** From the customers module: RFM segment, membership tier and the one VIP rule. */
  segment: CustomerSegment | null;
  tier: string | null;
  isVip: boolean;
  companyName: string | null;
  name: string;
  level: CustomerLevel;
  annualRevenueFen: number;
  orderCount: number;
  lastContactAt: Date | null;
  notes: string | null;
  tags: string[];
  ownerStaffId: number | null;
};

export type MatchedContact = { id: number; name: string; department: string | null; position: string | null };

export type CallerMatch = {
  raw: string;
  phone: NormalizedPhone | null;
  kind: MatchKind;
  /** 1 for an exact match, 0.9 for a single last-8 match, 0.6 when several candidates shared it, 0 for none. */
  confidence: number;
  customer: MatchedCustomer | null;
  contact: MatchedContact | null;
  candidates: number;
  /** True when nobody matched: the caller becomes a new lead. */
  newLead: boolean;
};

/**
 * Seed 003's caller identification without its `LIKE '%…%'` scan, by the customers module's one rule for
 * whose number it is (`resolvePhone`: exact E.164 first, then the most recently contacted customer), with
 * the customer's CRM view and standing (segment, tier, VIP) for the screen-pop and routing.
 */
export async function identifyCaller(em: EntityManager, raw: string): Promise<CallerMatch> {
  const resolution = await resolvePhone(em, raw);
  const { phone } = resolution;
  if (!phone) return { raw, phone: null, kind: 'none', confidence: 0, customer: null, contact: null, candidates: 0, newLead: false };
  if (!resolution.customerId) return { raw, phone, kind: 'none', confidence: 0, customer: null, contact: null, candidates: 0, newLead: true };
  const [customer, contact, standings] = await Promise.all([
    em.findOneOrFail(CustomerSchema, { id: resolution.customerId }),
    resolution.contactId ? em.findOne(CustomerContactSchema, { id: resolution.contactId }) : null,
    customerStandings(em, [resolution.customerId]),
  ]);
  const standing = standings.get(customer.id)!;
  return {
    raw,
    phone,
    kind: resolution.kind,
    confidence: resolution.confidence,
    customer: view(customer, standing),
    contact: contact ? contactView(contact) : null,
    candidates: resolution.candidates,
    newLead: false,
  };
}

/** Adds a customer row for an unknown caller (seed: 标记为新线索, 创建新客户档案) to the unit of work. */
export function createLeadForCaller(em: EntityManager, phone: NormalizedPhone, now: Date): string {
  const id = `LEAD-${now.toISOString().slice(0, 10).replaceAll('-', '')}-${randomBytes(4).toString('hex')}`;
  em.create(CustomerSchema, {
    id,
    name: '400来电新线索',
    phone: phone.e164,
    phoneLast8: phone.last8,
    level: 'potential',
    source: '400_phone',
    tags: ['新线索'],
  });
  return id;
}

function view(c: { id: string; companyName?: string | null; name: string; level: CustomerLevel; annualRevenueFen: number; orderCount: number; lastContactAt?: Date | null; notes?: string | null; tags: string[]; ownerStaff?: number | null }, standing: CustomerStanding): MatchedCustomer {
  return {
    id: c.id,
    segment: standing.segment,
    tier: standing.tier,
    isVip: standing.isVip,
    companyName: c.companyName ?? null,
    name: c.name,
    level: c.level,
    annualRevenueFen: Number(c.annualRevenueFen),
    orderCount: c.orderCount,
    lastContactAt: c.lastContactAt ?? null,
    notes: c.notes ?? null,
    tags: c.tags ?? [],
    ownerStaffId: c.ownerStaff ?? null,
  };
}

function contactView(c: { id: number; name: string; department?: string | null; position?: string | null }): MatchedContact {
  return { id: c.id, name: c.name, department: c.department ?? null, position: c.position ?? null };
}
