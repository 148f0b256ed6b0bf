import type { EntityManager } from '@mikro-orm/core';
import { authorize, type Actor } from '../auth/actor.js';
import { normalizePhone } from '../shared/phone.js';
import type { CustomerSegment } from '../shared/vocabulary.js';
import { CustomerContactSchema } from './customer-contact.entity.js';
import { CustomerSchema, type CustomerLevel } from './customer.entity.js';
import { customerView } from './customer.view.js';

export const CUSTOMER_SORTS = ['id', 'name', 'createdAt', 'lastContactAt', 'lastVisitAt'] as const;

export type CustomerListQuery = {
  page: number;
  size: number;
  sort: (typeof CUSTOMER_SORTS)[number];
  order: 'asc' | 'desc';
  /** A name or company fragment, a customer id, or a number in any spelling. */
  q?: string;
  ownerStaffId?: number;
  level?: CustomerLevel;
  segment?: CustomerSegment;
};

/**
 * Customers, one page, numbers masked. `q` that reads as a phone number (any spelling: 139-1111-2222,
 * +86 139…) is looked up on the indexed last-8-digit columns of the customer and of its contacts — the
 * same columns caller identification uses; any other `q` matches the id exactly or a fragment of the
 * name or the company (`%`, `_` and `\\` are dropped from it: never a wildcard).
 */
export async function listCustomers(em: EntityManager, actor: Actor, q: CustomerListQuery) {
  authorize(actor, 'customer:view', '查看客户');
  const where: Record<string, unknown> = {};
  if (q.ownerStaffId !== undefined) where.ownerStaff = q.ownerStaffId;
  if (q.level) where.level = q.level;
  if (q.segment) where.segment = q.segment;
  const text = q.q?.trim();
  if (text) {
    const phone = /^[+\d][\d\s\-()]{6,}$/.test(text) ? normalizePhone(text) : null;
    if (phone) {
      const viaContacts = await em.find(CustomerContactSchema, { $or: [{ mobileLast8: phone.last8 }, { phoneLast8: phone.last8 }] }, { fields: ['customer'], limit: 500, disableIdentityMap: true });
      where.$or = [{ phoneLast8: phone.last8 }, { id: { $in: [...new Set(viaContacts.map((c) => c.customer.id))] } }];
    } else {
      const fragment = text.replace(/[%_\\]/g, '');
      const like = `%${fragment}%`;
      where.$or = fragment ? [{ id: text }, { name: { $like: like } }, { companyName: { $like: like } }] : [{ id: text }];
    }
  }
  const [rows, total] = await em.findAndCount(CustomerSchema, where, {
    orderBy: q.sort === 'id' ? { id: q.order } : { [q.sort]: q.order, id: 'asc' },
    limit: q.size,
    offset: (q.page - 1) * q.size,
    disableIdentityMap: true,
  });
  return { rows: rows.map((c) => customerView(c)), total };
}
