import type { EntityManager } from '@mikro-orm/core';
import { CustomerSchema, type Customer } from '../customers/customer.entity.js';
import { CustomerContactSchema } from '../customers/customer-contact.entity.js';
import { customerNumbers } from '../customers/customer-mobile.js';
import { resolvePhone, type PhoneCandidate } from '../customers/phone-resolution.js';
import { maskPhone, normalizePhone } from '../shared/phone.js';

export type CustomerCard = {
  id: string;
  name: string;
  companyName: string | null;
  /** Masked (138****8888); the full number never leaves through chat. */
  phone: string | null;
  level: string;
  ownerStaffId: number | null;
  lastContactAt: Date | null;
  notes: string | null;
};

const card = (c: Customer, shown: string | undefined): CustomerCard => ({
  id: c.id,
  name: c.name,
  companyName: c.companyName ?? null,
  phone: shown ? maskPhone(shown) : null,
  level: c.level,
  ownerStaffId: c.ownerStaff ?? null,
  lastContactAt: c.lastContactAt ?? null,
  notes: c.notes ?? null,
});

/**
 * Finds customers by a phone number in any spelling (the customers module's phone → customer rule) or by
 * the start of a person's or company's name. At most `limit` results. Each card shows one number, masked:
 * for a number lookup the one that matched (a contact's mobile when the match came through a contact),
 * otherwise the number the customers module shows the customer with (its own, else a contact's).
 */
export async function lookupCustomers(em: EntityManager, query: string, limit = 5): Promise<CustomerCard[]> {
  const q = query.trim();
  if (!q) return [];
  const phone = /^[+\d][\d\s\-()]{6,}$/.test(q) ? normalizePhone(q) : null;
  const digits = q.replace(/\D/g, '');
  if (phone || (/^\d{8}$/.test(digits) && digits === q)) {
    // The customers module's one rule ranks them, so the first card is the customer a call or SMS lands on.
    const { ranked } = await resolvePhone(em, phone ?? { last8: digits });
    const top = ranked.slice(0, limit);
    const rows = new Map((await em.find(CustomerSchema, { id: { $in: top.map((c) => c.customerId) } })).map((c) => [c.id, c]));
    const shown = await customerNumbers(em, [...rows.values()]);
    const matched = await matchedContactNumbers(em, top, phone?.last8 ?? digits);
    return top.flatMap((m) => (rows.has(m.customerId) ? [card(rows.get(m.customerId)!, matched.get(m.customerId) ?? shown.get(m.customerId))] : []));
  }
  const escaped = q.replace(/[\\%_]/g, (m) => `\\${m}`);
  const rows = await em.find(CustomerSchema, { $or: [{ id: q }, { name: { $like: `${escaped}%` } }, { companyName: { $like: `${escaped}%` } }] }, { limit, orderBy: { name: 'asc' } });
  const shown = await customerNumbers(em, rows);
  return rows.map((c) => card(c, shown.get(c.id)));
}

/** For matches that came through a contact: that contact's number with the looked-up last 8 digits. */
async function matchedContactNumbers(em: EntityManager, matches: PhoneCandidate[], last8: string): Promise<Map<string, string>> {
  const byContact = new Map(matches.filter((m) => m.contactId !== null).map((m) => [m.contactId!, m.customerId]));
  if (byContact.size === 0) return new Map();
  const contacts = await em.find(CustomerContactSchema, { id: { $in: [...byContact.keys()] } }, { fields: ['id', 'mobile', 'mobileLast8', 'phone'], disableIdentityMap: true });
  return new Map(contacts.flatMap((c) => {
    const n = c.mobileLast8 === last8 ? c.mobile : c.phone;
    return n ? [[byContact.get(c.id)!, n] as const] : [];
  }));
}
