import type { EntityManager } from '@mikro-orm/core';
import { CustomerContactSchema } from './customer-contact.entity.js';
import { CustomerSchema } from './customer.entity.js';

/**
 * The customer a number belongs to, by the indexed last-8-digits columns (contact mobile, contact phone,
 * company phone), preferring an exact E.164 match; null when nobody has it.
 */
export async function customerIdForPhone(em: EntityManager, e164: string, last8: string): Promise<string | null> {
  const contacts = await em.find(
    CustomerContactSchema,
    { $or: [{ mobileLast8: last8 }, { phoneLast8: last8 }] },
    { fields: ['customer', 'mobile', 'phone', 'lastCallDate'], limit: 20, disableIdentityMap: true },
  );
  const exact = contacts.find((c) => c.mobile === e164 || c.phone === e164);
  if (exact) return exact.customer.id;
  const company = await em.findOne(CustomerSchema, { phoneLast8: last8 }, { fields: ['id', 'phone'], disableIdentityMap: true });
  return company?.id ?? contacts[0]?.customer.id ?? null;
}
