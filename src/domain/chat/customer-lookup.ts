import type { EntityManager } from '@mikro-orm/core';
import { CustomerSchema, type Customer } from '../customers/customer.entity.js';
import { resolvePhone } from '../customers/phone-resolution.js';
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
    // The customers module's one rule ranks them, so the first card is the customer a call or SMS lands on.
    const { ranked } = await resolvePhone(em, phone ?? { last8: digits });
    const ids = ranked.slice(0, limit).map((c) => c.customerId);
    const rows = new Map((await em.find(CustomerSchema, { id: { $in: ids } })).map((c) => [c.id, c]));
    return ids.flatMap((id) => (rows.has(id) ? [card(rows.get(id)!)] : []));
  }
  const escaped = q.replace(/[\\%_]/g, (m) => `\\${m}`);
  const rows = await em.find(CustomerSchema, { $or: [{ id: q }, { name: { $like: `${escaped}%` } }, { companyName: { $like: `${escaped}%` } }] }, { limit, orderBy: { name: 'asc' } });
  return rows.map(card);
}
