import type { EntityManager } from '@mikro-orm/core';
import { CustomerSchema, type Customer } from '../customers/customer.entity.js';
import { isVip, parseSegment } from '../customers/customer-standing.js';
import { DomainError } from '../shared/domain-error.js';

/** The customer an outreach request names, or 404 CUSTOMER_NOT_FOUND. */
export async function requireCustomer(em: EntityManager, customerId: string): Promise<Customer> {
  const customer = await em.findOne(CustomerSchema, { id: customerId });
  if (!customer) throw new DomainError('CUSTOMER_NOT_FOUND', `客户 ${customerId} 不存在`, { customerId });
  return customer;
}

/** The customers module's VIP rule, with the segment a request states taking the stored one's place. */
export function isVipCustomer(customer: Customer, statedSegment?: string | null): boolean {
  return isVip({ segment: parseSegment(statedSegment) ?? customer.segment, level: customer.level });
}

/** Dates come back as Date from MySQL and as text from SQLite; business rules want YYYY-MM-DD. */
export function dateOnly(value: Date | string | null | undefined): string | null {
  if (value == null) return null;
  return typeof value === 'string' ? value.slice(0, 10) : value.toISOString().slice(0, 10);
}
