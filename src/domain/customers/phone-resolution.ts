import type { EntityManager } from '@mikro-orm/core';
import type { SqlEntityManager } from '@mikro-orm/sql';
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

/** A record carrying a number: the customer it belongs to and through which record. */
type Holder = Omit<PhoneCandidate, 'exact' | 'lastContactAt'> & { number: string | null };

/**
 * Candidates deduplicated per customer, best first by `rankCandidates` (the last contact time looked up
 * only for the customers in `holders`).
 */
async function rank(em: EntityManager, holders: Holder[], e164: string | null, lastContact?: Map<string, Date | null>): Promise<PhoneCandidate[]> {
  const ids = [...new Set(holders.map((c) => c.customerId))];
  lastContact ??= await lastContactOf(em, ids);
  const ranked: PhoneCandidate[] = [];
  const seen = new Set<string>();
  const raw = holders.map(({ number, ...c }) => ({ ...c, exact: e164 !== null && number === e164, lastContactAt: lastContact.get(c.customerId) ?? null }));
  for (const c of rankCandidates(raw)) {
    if (seen.has(c.customerId)) continue;
    seen.add(c.customerId);
    ranked.push(c);
  }
  return ranked;
}

async function lastContactOf(em: EntityManager, ids: string[]): Promise<Map<string, Date | null>> {
  if (ids.length === 0) return new Map();
  const rows = await em.find(CustomerSchema, { id: { $in: ids } }, { fields: ['id', 'lastContactAt'], disableIdentityMap: true });
  return new Map(rows.map((c) => [c.id, c.lastContactAt ?? null]));
}

/** The resolution for a number in any spelling, or for bare last-8 digits (chat lookup: never exact). */
export async function resolvePhone(em: EntityManager, input: string | NormalizedPhone | { last8: string }): Promise<PhoneResolution> {
  const phone = typeof input === 'string' ? normalizePhone(input) : 'e164' in input ? input : null;
  const last8 = phone?.last8 ?? (typeof input === 'object' && !('e164' in input) ? input.last8 : null);
  const none: PhoneResolution = { phone, kind: 'none', confidence: 0, customerId: null, contactId: null, candidates: 0, ranked: [] };
  if (!last8) return none;
  const [contacts, customers, members] = await Promise.all([
    em.find(CustomerContactSchema, { $or: [{ mobileLast8: last8 }, { phoneLast8: last8 }] }, { fields: ['id', 'customer', 'mobile', 'phone'], limit: LIMIT, orderBy: { id: 'asc' }, disableIdentityMap: true }),
    em.find(CustomerSchema, { phoneLast8: last8 }, { fields: ['id', 'phone'], limit: LIMIT, orderBy: { id: 'asc' }, disableIdentityMap: true }),
    em.find(MemberSchema, { phoneLast8: last8, customer: { $ne: null } }, { fields: ['id', 'customer', 'phone'], limit: LIMIT, orderBy: { id: 'asc' }, disableIdentityMap: true }),
  ]);
  const e164 = phone?.e164 ?? null;
  const holders: Holder[] = [
    ...contacts.map((c) => ({ customerId: c.customer.id, contactId: c.id, via: 'contact' as const, number: c.mobile === e164 ? c.mobile : (c.phone ?? null) })),
    ...customers.map((c) => ({ customerId: c.id, contactId: null, via: 'customer' as const, number: c.phone ?? null })),
    ...members.map((m) => ({ customerId: m.customer!.id, contactId: null, via: 'member' as const, number: m.phone ?? null })),
  ];
  if (holders.length === 0) return none;
  const ranked = await rank(em, holders, e164);
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

/**
 * Every record carrying one of the last-8 digit strings — a contact's mobile or phone, a customer's own
 * phone, the phone of a membership that belongs to a customer — in one statement over the indexed
 * last-8 columns (the bulk doors' form of the lookup `resolvePhone` makes for one number).
 */
export async function holdersOf(em: EntityManager, last8s: readonly string[]): Promise<Array<Holder & { last8: string }>> {
  const keys = [...new Set(last8s)];
  if (keys.length === 0) return [];
  const marks = keys.map(() => '?').join(', ');
  const rows = await (em as SqlEntityManager).execute<Array<{ customer_id: string; contact_id: number | null; via: Holder['via']; number: string | null; last8: string }>>(
    [
      `select customer_id, id as contact_id, 'contact' as via, mobile as number, mobile_last8 as last8 from customer_contacts where mobile_last8 in (${marks})`,
      `select customer_id, id, 'contact', phone, phone_last8 from customer_contacts where phone_last8 in (${marks})`,
      `select id, null, 'customer', phone, phone_last8 from customers where phone_last8 in (${marks})`,
      `select customer_id, null, 'member', phone, phone_last8 from members where phone_last8 in (${marks}) and customer_id is not null`,
    ].join(' union all '),
    [...keys, ...keys, ...keys, ...keys],
  );
  return rows.map((r) => ({ customerId: r.customer_id, contactId: r.contact_id === null ? null : Number(r.contact_id), via: r.via, number: r.number, last8: r.last8 }));
}

/**
 * The customer each of many numbers belongs to by the one rule (`resolvePhone`'s ranking), in two or
 * three statements whatever their count: the bulk doors (imports). Numbers nobody has are absent.
 */
export async function customerIdsForPhones(em: EntityManager, phones: readonly NormalizedPhone[]): Promise<Map<string, string>> {
  const holders = await holdersOf(em, phones.map((p) => p.last8));
  const byLast8 = new Map<string, Holder[]>();
  for (const { last8, ...h } of holders) byLast8.set(last8, [...(byLast8.get(last8) ?? []), h]);
  const contested = [...byLast8.values()].filter((hs) => new Set(hs.map((h) => h.customerId)).size > 1);
  const lastContact = await lastContactOf(em, [...new Set(contested.flat().map((h) => h.customerId))]);
  const out = new Map<string, string>();
  for (const p of phones) {
    const hs = byLast8.get(p.last8);
    if (hs && !out.has(p.e164)) out.set(p.e164, (await rank(em, hs, p.e164, lastContact))[0]!.customerId);
  }
  return out;
}
