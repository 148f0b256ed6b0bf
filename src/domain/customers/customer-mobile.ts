import type { EntityManager } from '@mikro-orm/core';
import { isMainlandMobile } from '../shared/phone.js';
import { CustomerContactSchema } from './customer-contact.entity.js';
import { CustomerSchema } from './customer.entity.js';

/** The number a customer is reached on: the primary contact's mobile, else the customer's own if it is a mobile. */
export async function customerMobile(em: EntityManager, customerId: string): Promise<string | null> {
  const [contact] = await em.find(CustomerContactSchema, { customer: customerId, mobile: { $ne: null } }, { orderBy: { isPrimary: 'desc', id: 'asc' }, limit: 1 });
  if (contact?.mobile) return contact.mobile;
  const customer = await em.findOne(CustomerSchema, { id: customerId }, { fields: ['phone'] });
  return customer?.phone && isMainlandMobile(customer.phone) ? customer.phone : null;
}

/**
 * The number each customer is shown with (callers mask it): the customer's own phone, else a contact's
 * mobile (the primary contact first, then the oldest), else a contact's landline. One query for a page.
 * A customer whose only number is a contact's is never shown as having none.
 */
export async function customerNumbers(em: EntityManager, customers: ReadonlyArray<{ id: string; phone?: string | null }>): Promise<Map<string, string>> {
  const shown = new Map<string, string>();
  for (const c of customers) if (c.phone) shown.set(c.id, c.phone);
  const without = customers.filter((c) => !c.phone).map((c) => c.id);
  if (without.length === 0) return shown;
  const contacts = await em.find(
    CustomerContactSchema,
    { customer: { $in: without }, $or: [{ mobile: { $ne: null } }, { phone: { $ne: null } }] },
    { fields: ['customer', 'mobile', 'phone', 'isPrimary'], orderBy: { isPrimary: 'desc', id: 'asc' }, disableIdentityMap: true },
  );
  for (const pick of [(c: (typeof contacts)[number]) => c.mobile, (c: (typeof contacts)[number]) => c.phone]) {
    for (const c of contacts) {
      const n = pick(c);
      if (n && !shown.has(c.customer.id)) shown.set(c.customer.id, n);
    }
  }
  return shown;
}
