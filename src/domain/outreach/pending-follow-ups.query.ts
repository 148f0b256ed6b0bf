import type { MarketingWindow } from '../compliance/compliance.policy.js';
import { raw, type EntityManager, type FilterQuery } from '@mikro-orm/core';
import type { SqlEntityManager } from '@mikro-orm/sql';
import { CustomerSchema, type Customer } from '../customers/customer.entity.js';
import { customerNumbers } from '../customers/customer-mobile.js';
import { addDays, localParts } from '../shared/business-time.js';
import { maskPhone } from '../shared/phone.js';
import { ContactHistorySchema } from './contact-history.entity.js';
import { CustomerFeedbackSchema } from './customer-feedback.entity.js';
import { BIRTHDAY_LEAD_DAYS, DORMANT_AFTER_DAYS, channelOrder, isLeapYear, recommendTiming, type FollowUpReason } from './follow-up-schedule.policy.js';
import { dateOnly, isVipCustomer } from './outreach-customer.js';

export const PENDING_REASONS = ['complaint', 'post_visit', 'birthday', 'dormant'] as const satisfies readonly FollowUpReason[];
export type PendingReason = (typeof PENDING_REASONS)[number];

export type PendingQuery = { page: number; size: number; reason?: PendingReason; ownerStaffId?: number; now: Date; timeZone: string; window?: MarketingWindow };

export type PendingFollowUp = {
  customerId: string;
  name: string;
  phone: string | null;
  segment: string | null;
  ownerStaffId: number | null;
  reason: PendingReason;
  lastVisitAt: string | null;
  lastContactAt: string | null;
  birthday: string | null;
  recommendedChannel: string;
  recommendedAt: string;
  dueBy: string | null;
};

const HOUR = 3600_000;
const DAY = 24 * HOUR;

/**
 * Who is due for a follow-up now (seed §8.1), one row per customer and reason, most urgent reason
 * first: complaints of the last 24 h, visits of the last 24 h not yet followed up, birthdays in the next
 * 3 days, and dormant customers (no visit and no contact for 30 days). Paged across the reasons in SQL.
 */
export async function listPendingFollowUps(em: EntityManager, q: PendingQuery): Promise<{ rows: PendingFollowUp[]; total: number }> {
  const reasons = q.reason ? [q.reason] : [...PENDING_REASONS];
  const counts = await Promise.all(reasons.map((r) => em.count(CustomerSchema, whereFor(em, r, q))));
  const total = counts.reduce((a, b) => a + b, 0);
  const rows: PendingFollowUp[] = [];
  let skip = (q.page - 1) * q.size;
  let want = q.size;
  for (const [i, reason] of reasons.entries()) {
    const count = counts[i]!;
    if (want === 0) break;
    if (skip >= count) {
      skip -= count;
      continue;
    }
    const customers = await em.find(CustomerSchema, whereFor(em, reason, q), { orderBy: orderFor(reason), offset: skip, limit: Math.min(want, count - skip) });
    const complaints = reason === 'complaint' ? await latestComplaints(em, customers.map((c) => c.id)) : new Map<string, Date>();
    const numbers = await customerNumbers(em, customers);
    rows.push(...customers.map((c) => toRow(c, reason, q, complaints.get(c.id), numbers.get(c.id))));
    want -= customers.length;
    skip = 0;
  }
  return { rows, total };
}

function whereFor(em: EntityManager, reason: PendingReason, q: PendingQuery): FilterQuery<Customer> {
  const owner = q.ownerStaffId === undefined ? {} : { ownerStaff: q.ownerStaffId };
  const dayAgo = new Date(q.now.getTime() - DAY);
  const monthAgo = new Date(q.now.getTime() - DORMANT_AFTER_DAYS * DAY);
  switch (reason) {
    case 'complaint':
      // A complaint stays pending until its follow-up todo is completed (or cancelled).
      return { ...owner, id: { $in: openComplaints(em, dayAgo) } };
    case 'post_visit':
      return {
        ...owner,
        lastVisitAt: { $gte: dayAgo, $lte: q.now },
        $or: [{ lastContactAt: null }, { lastContactAt: { $lt: raw((alias) => `${alias}.last_visit_at`) } }],
      };
    case 'birthday':
      return { ...owner, birthday: { $ne: null }, [raw((alias) => `substr(${alias}.birthday, 6, 5)`)]: { $in: upcomingMonthDays(q.now, q.timeZone) } };
    case 'dormant':
      return {
        ...owner,
        lastVisitAt: { $lt: monthAgo },
        $or: [{ lastContactAt: null }, { lastContactAt: { $lt: monthAgo } }],
        id: { $nin: subquery(em, ContactHistorySchema, { customer: { $ne: null }, createdAt: { $gte: monthAgo } }) },
      };
  }
}

function orderFor(reason: PendingReason) {
  // Nearest deadline first; id keeps pages stable.
  if (reason === 'post_visit' || reason === 'dormant') return { lastVisitAt: 'asc', id: 'asc' } as const;
  return { id: 'asc' } as const;
}

function openComplaints(em: EntityManager, since: Date) {
  // Typed loosely: the join goes through a relation mapped to its primary key.
  const qb = (em as SqlEntityManager).createQueryBuilder(CustomerFeedbackSchema, 'f') as any;
  return qb
    .select('f.customer')
    .leftJoin('f.followUpTask', 't')
    .where({ type: 'complaint', createdAt: { $gte: since }, $or: [{ followUpTask: null }, { 't.status': { $nin: ['completed', 'cancelled'] } }] }) as ReturnType<typeof subquery>;
}

function subquery(em: EntityManager, entity: typeof CustomerFeedbackSchema | typeof ContactHistorySchema, where: object) {
  return (em as SqlEntityManager).createQueryBuilder(entity as typeof CustomerFeedbackSchema, 's').select('s.customer').where(where);
}

/** MM-DD of today and the next three days in business time; 02-29 birthdays count on 02-28 in other years. */
export function upcomingMonthDays(now: Date, timeZone: string): string[] {
  const today = localParts(now, timeZone).date;
  const days: string[] = [];
  for (let i = 0; i <= BIRTHDAY_LEAD_DAYS; i++) {
    const date = addDays(today, i);
    days.push(date.slice(5));
    if (date.slice(5) === '02-28' && !isLeapYear(Number(date.slice(0, 4)))) days.push('02-29');
  }
  return days;
}

async function latestComplaints(em: EntityManager, customerIds: string[]): Promise<Map<string, Date>> {
  if (customerIds.length === 0) return new Map();
  const rows = await em.find(CustomerFeedbackSchema, { customer: { $in: customerIds }, type: 'complaint' }, { orderBy: { createdAt: 'asc' } });
  return new Map(rows.map((r) => [r.customer.id, r.createdAt]));
}

function toRow(c: Customer, reason: PendingReason, q: PendingQuery, complaintAt: Date | undefined, shownNumber: string | undefined): PendingFollowUp {
  const timing = recommendTiming({ reason, now: q.now, timeZone: q.timeZone, window: q.window, lastVisitAt: c.lastVisitAt, lastContactAt: c.lastContactAt, birthday: dateOnly(c.birthday), complaintAt });
  const dueBy = timing.dueBy;
  return {
    customerId: c.id,
    name: c.name,
    phone: shownNumber ? maskPhone(shownNumber) : null,
    segment: c.segment ?? null,
    ownerStaffId: c.ownerStaff ?? null,
    reason,
    lastVisitAt: c.lastVisitAt?.toISOString() ?? null,
    lastContactAt: c.lastContactAt?.toISOString() ?? null,
    birthday: dateOnly(c.birthday),
    recommendedChannel: channelOrder(reason, isVipCustomer(c))[0]!,
    recommendedAt: timing.recommendedAt.toISOString(),
    dueBy: dueBy?.toISOString() ?? null,
  };
}
