import { maskPhone } from '../shared/phone.js';
import type { CustomerContact } from './customer-contact.entity.js';
import type { Customer } from './customer.entity.js';

const masked = (n: string | null | undefined) => (n ? maskPhone(n) : null);

const calendarDay = (d: unknown) => (d instanceof Date ? d.toISOString().slice(0, 10) : d ? String(d).slice(0, 10) : null);

/** A contact as the API shows it: numbers masked (138****8888). */
export function contactView(c: CustomerContact) {
  return {
    id: c.id,
    customerId: c.customer.id,
    name: c.name,
    mobile: masked(c.mobile),
    phone: masked(c.phone),
    department: c.department ?? null,
    position: c.position ?? null,
    phoneType: c.phoneType,
    isPrimary: c.isPrimary,
    callPreference: c.callPreference,
    lastCallDate: c.lastCallDate ?? null,
    callCount: c.callCount,
    createdAt: c.createdAt,
    updatedAt: c.updatedAt,
  };
}

/** A customer as lists and the API show it: numbers masked; birthday as a calendar day. */
export function customerView(c: Customer) {
  return {
    id: c.id,
    name: c.name,
    companyName: c.companyName ?? null,
    phone: masked(c.phone),
    level: c.level,
    segment: c.segment ?? null,
    ownerStaffId: c.ownerStaff ?? null,
    annualRevenueFen: Number(c.annualRevenueFen ?? 0),
    orderCount: c.orderCount,
    lastContactAt: c.lastContactAt ?? null,
    lastContactType: c.lastContactType ?? null,
    lastVisitAt: c.lastVisitAt ?? null,
    birthday: calendarDay(c.birthday),
    tags: c.tags ?? [],
    notes: c.notes ?? null,
    source: c.source ?? null,
    createdAt: c.createdAt,
    updatedAt: c.updatedAt,
  };
}
