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
