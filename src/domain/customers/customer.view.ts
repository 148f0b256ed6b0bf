import type { Actor } from '../auth/actor.js';
import { detailNumber, listedNumber } from '../auth/number-disclosure.js';
import type { CustomerContact } from './customer-contact.entity.js';
import type { Customer } from './customer.entity.js';

/**
 * How numbers are shown: `list` masks every number; `{ detail: actor }` (one customer) shows them in full
 * to holders of customer:phone:view and masked to everyone else.
 */
export type NumberView = 'list' | { detail: Actor | null };
const shown = (n: string | null | undefined, view: NumberView) => (view === 'list' ? listedNumber(n) : detailNumber(view.detail, n, 'customer'));

const calendarDay = (d: unknown) => (d instanceof Date ? d.toISOString().slice(0, 10) : d ? String(d).slice(0, 10) : null);

/** A contact as the API shows it: numbers masked (138****8888) unless a detail view for a holder of customer:phone:view. */
export function contactView(c: CustomerContact, view: NumberView = 'list') {
  return {
    id: c.id,
    customerId: c.customer.id,
    name: c.name,
    mobile: shown(c.mobile, view),
    phone: shown(c.phone, view),
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

/** A customer as lists and the API show it: numbers masked (see NumberView); birthday as a calendar day. */
export function customerView(c: Customer, view: NumberView = 'list') {
  return {
    id: c.id,
    name: c.name,
    companyName: c.companyName ?? null,
    phone: shown(c.phone, view),
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
