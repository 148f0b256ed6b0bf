import type { EntityManager } from '@mikro-orm/core';
import { MemberSchema } from '../members/member.entity.js';
import { normalizePhone, type NormalizedPhone } from '../shared/phone.js';
import { CustomerContactSchema } from './customer-contact.entity.js';
import { CustomerSchema } from './customer.entity.js';

export type PhoneMatchKind = 'exact' | 'last8' | 'none';

/** One customer a number could belong to, and through which record. */
export type PhoneCandidate = {
  customerId: string;
  /** The contact whose phone or mobile matched, when the match came through a contact. */
  contactId: number | null;
  via: 'contact' | 'customer' | 'member';
  exact: boolean;
  lastContactAt: Date | null;
};

export type PhoneResolution = {
  phone: NormalizedPhone | null;
  kind: PhoneMatchKind;
  /** 1 for an exact match, 0.9 for a single last-8 customer, 0.6 when several customers shared it, 0 for none. */
  confidence: number;
  customerId: string | null;
  contactId: number | null;
  /** Distinct customers among the candidates. */
  candidates: number;
  /** Every distinct customer, best first (the first is `customerId`). */
  ranked: PhoneCandidate[];
};

/** At most this many rows per looked-up column; a number shared by more is not a person's number. */
const LIMIT = 50;
const VIA_RANK = { contact: 0, customer: 1, member: 2 } as const;

/**
 * The one rule for "whose number is this" (caller identification, SMS, outreach calls, chat lookup,
 * mini-program): the number is normalised, then the indexed last-8-digit columns are looked up — contact
 * mobile and phone, the customer's own phone, and the phone of a membership that belongs to a customer
 * (never a `LIKE '%…%'` scan). Candidates are ranked: an exact E.164 match first; then the customer
 * contacted most recently; then a match through a contact before one through the customer's own phone
 * before one through a membership; then the smaller customer id, so the answer never depends on row order.
 */
export function rankCandidates(candidates: PhoneCandidate[]): PhoneCandidate[] {
  return [...candidates].sort(
    (a, b) =>
      Number(b.exact) - Number(a.exact) ||
      (b.lastContactAt?.getTime() ?? 0) - (a.lastContactAt?.getTime() ?? 0) ||
      VIA_RANK[a.via] - VIA_RANK[b.via] ||
      (a.customerId < b.customerId ? -1 : a.customerId > b.customerId ? 1 : 0),
  );
}

/** The resolution for a number in any spelling, or for bare last-8 digits (chat lookup: never exact). */
export async function resolvePhone(em: EntityManager, input: string | NormalizedPhone | { last8: string }): Promise<PhoneResolution> {
  const phone = typeof input === 'string' ? normalizePhone(input) : 'e164' in input ? input : null;
  const last8 = phone?.last8 ?? (typeof input === 'object' && !('e164' in input) ? input.last8 : null);
  const none: PhoneResolution = { phone, kind: 'none', confidence: 0, customerId: null, contactId: null, candidates: 0, ranked: [] };
  if (!last8) return none;
  const e164 = phone?.e164 ?? null;
  const [contacts, customers, members] = await Promise.all([
    em.find(CustomerContactSchema, { $or: [{ mobileLast8: last8 }, { phoneLast8: last8 }] }, { fields: ['id', 'customer', 'mobile', 'phone'], limit: LIMIT, orderBy: { id: 'asc' }, disableIdentityMap: true }),
    em.find(CustomerSchema, { phoneLast8: last8 }, { fields: ['id', 'phone'], limit: LIMIT, orderBy: { id: 'asc' }, disableIdentityMap: true }),
    em.find(MemberSchema, { phoneLast8: last8, customer: { $ne: null } }, { fields: ['id', 'customer', 'phone'], limit: LIMIT, orderBy: { id: 'asc' }, disableIdentityMap: true }),
  ]);
  const raw: Array<Omit<PhoneCandidate, 'lastContactAt'>> = [
    ...contacts.map((c) => ({ customerId: c.customer.id, contactId: c.id, via: 'contact' as const, exact: e164 !== null && (c.mobile === e164 || c.phone === e164) })),
    ...customers.map((c) => ({ customerId: c.id, contactId: null, via: 'customer' as const, exact: e164 !== null && c.phone === e164 })),
    ...members.map((m) => ({ customerId: m.customer!.id, contactId: null, via: 'member' as const, exact: e164 !== null && m.phone === e164 })),
  ];
  if (raw.length === 0) return none;
  const ids = [...new Set(raw.map((c) => c.customerId))];
  const lastContact = new Map(
    (await em.find(CustomerSchema, { id: { $in: ids } }, { fields: ['id', 'lastContactAt'], disableIdentityMap: true })).map((c) => [c.id, c.lastContactAt ?? null]),
  );
  const ranked: PhoneCandidate[] = [];
  const seen = new Set<string>();
  for (const c of rankCandidates(raw.map((c) => ({ ...c, lastContactAt: lastContact.get(c.customerId) ?? null })))) {
    if (seen.has(c.customerId)) continue;
    seen.add(c.customerId);
    ranked.push(c);
  }
  const best = ranked[0]!;
  return {
    phone,
    kind: best.exact ? 'exact' : 'last8',
    confidence: best.exact ? 1 : ranked.length === 1 ? 0.9 : 0.6,
    customerId: best.customerId,
    contactId: best.contactId,
    candidates: ranked.length,
    ranked,
  };
}

/** The customer a number belongs to by the one rule, or null when nobody has it. */
export async function customerIdForPhone(em: EntityManager, phone: string | NormalizedPhone): Promise<string | null> {
  return (await resolvePhone(em, phone)).customerId;
}
