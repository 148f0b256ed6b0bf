import type { EntityManager } from '@mikro-orm/core';
import { CustomerSchema, type Customer } from '../customers/customer.entity.js';
import { DomainError } from '../shared/domain-error.js';

/** The customer an outreach request names, or 404 CUSTOMER_NOT_FOUND. */
export async function requireCustomer(em: EntityManager, customerId: string): Promise<Customer> {
  const customer = await em.findOne(CustomerSchema, { id: customerId });
  if (!customer) throw new DomainError('CUSTOMER_NOT_FOUND', `客户 ${customerId} 不存在`, { customerId });
  return customer;
}

/** VIP by the segment the caller states, else by the customer's RFM segment or level. */
export function isVipCustomer(customer: Customer, statedSegment?: string | null): boolean {
  const segment = statedSegment ?? customer.segment;
  if (segment) return segment.toUpperCase() === 'VIP';
  return customer.level === 'vip';
}

/** Dates come back as Date from MySQL and as text from SQLite; business rules want YYYY-MM-DD. */
export function dateOnly(value: Date | string | null | undefined): string | null {
  if (value == null) return null;
  return typeof value === 'string' ? value.slice(0, 10) : value.toISOString().slice(0, 10);
}
