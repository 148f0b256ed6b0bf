import { randomBytes } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/core';
import { CustomerContactSchema } from '../customers/customer-contact.entity.js';
import { CustomerSchema, type CustomerLevel } from '../customers/customer.entity.js';
import { normalizePhone, type NormalizedPhone } from '../shared/phone.js';
import type { MatchKind } from './caller-identification.entity.js';

export type MatchedCustomer = {
  id: string;
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

type Candidate = { customer: MatchedCustomer; contact: MatchedContact | null; exact: boolean };

/**
 * Seed 003's caller identification without its `LIKE '%…%'` scan: both the exact and the suffix match look
 * up the indexed last-8-digits columns (contact phone, contact mobile, company phone); an exact match is a
 * candidate whose stored E.164 number equals the caller's. Several suffix candidates → the customer with
 * the most recent contact wins, with confidence below 1.
 */
export async function identifyCaller(em: EntityManager, raw: string): Promise<CallerMatch> {
  const phone = normalizePhone(raw);
  if (!phone) return { raw, phone: null, kind: 'none', confidence: 0, customer: null, contact: null, candidates: 0, newLead: false };
  const last8 = phone.last8;
  const [contacts, customers] = await Promise.all([
    em.find(CustomerContactSchema, { $or: [{ phoneLast8: last8 }, { mobileLast8: last8 }] }, { populate: ['customer'], limit: 50 }),
    em.find(CustomerSchema, { phoneLast8: last8 }, { limit: 50 }),
  ]);
  const candidates: Candidate[] = [
    ...contacts.map((c) => ({ customer: view(c.customer.unwrap()), contact: contactView(c), exact: c.phone === phone.e164 || c.mobile === phone.e164 })),
    ...customers.map((c) => ({ customer: view(c), contact: null, exact: c.phone === phone.e164 })),
  ];
  if (candidates.length === 0) return { raw, phone, kind: 'none', confidence: 0, customer: null, contact: null, candidates: 0, newLead: true };
  const byLatest = (a: Candidate, b: Candidate) => (b.customer.lastContactAt?.getTime() ?? 0) - (a.customer.lastContactAt?.getTime() ?? 0) || Number(Boolean(b.contact)) - Number(Boolean(a.contact));
  const exact = candidates.filter((c) => c.exact).sort(byLatest);
  const distinctCustomers = new Set(candidates.map((c) => c.customer.id)).size;
  if (exact.length > 0) {
    return { raw, phone, kind: 'exact', confidence: 1, customer: exact[0]!.customer, contact: exact[0]!.contact, candidates: distinctCustomers, newLead: false };
  }
  const best = [...candidates].sort(byLatest)[0]!;
  return { raw, phone, kind: 'last8', confidence: distinctCustomers === 1 ? 0.9 : 0.6, customer: best.customer, contact: best.contact, candidates: distinctCustomers, newLead: false };
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

function view(c: { id: string; companyName?: string | null; name: string; level: CustomerLevel; annualRevenueFen: number; orderCount: number; lastContactAt?: Date | null; notes?: string | null; tags: string[]; ownerStaff?: number | null }): MatchedCustomer {
  return {
    id: c.id,
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
