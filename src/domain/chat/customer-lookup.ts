import type { EntityManager } from '@mikro-orm/core';
import { CustomerContactSchema } from '../customers/customer-contact.entity.js';
import { CustomerSchema, type Customer } from '../customers/customer.entity.js';
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

const card = (c: Customer): CustomerCard => ({
  id: c.id,
  name: c.name,
  companyName: c.companyName ?? null,
  phone: c.phone ? maskPhone(c.phone) : null,
  level: c.level,
  ownerStaffId: c.ownerStaff ?? null,
  lastContactAt: c.lastContactAt ?? null,
  notes: c.notes ?? null,
});

/**
 * Finds customers by a phone number in any spelling (indexed last-8 match on the customer and its
 * contacts) or by the start of a person's or company's name. At most `limit` results.
 */
export async function lookupCustomers(em: EntityManager, query: string, limit = 5): Promise<CustomerCard[]> {
  const q = query.trim();
  if (!q) return [];
  const phone = /^[+\d][\d\s\-()]{6,}$/.test(q) ? normalizePhone(q) : null;
  const digits = q.replace(/\D/g, '');
  if (phone || (/^\d{8}$/.test(digits) && digits === q)) {
    const last8 = phone?.last8 ?? digits;
    const direct = await em.find(CustomerSchema, { phoneLast8: last8 }, { limit });
    const contacts = await em.find(CustomerContactSchema, { $or: [{ phoneLast8: last8 }, { mobileLast8: last8 }] }, { limit, populate: ['customer'] });
    const seen = new Map(direct.map((c) => [c.id, c]));
    for (const contact of contacts) {
      const c = contact.customer.getEntity();
      if (!seen.has(c.id)) seen.set(c.id, c);
    }
    return [...seen.values()].slice(0, limit).map(card);
  }
  const escaped = q.replace(/[\\%_]/g, (m) => `\\${m}`);
  const rows = await em.find(CustomerSchema, { $or: [{ id: q }, { name: { $like: `${escaped}%` } }, { companyName: { $like: `${escaped}%` } }] }, { limit, orderBy: { name: 'asc' } });
  return rows.map(card);
}
