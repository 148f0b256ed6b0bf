import type { EntityManager } from '@mikro-orm/core';
import { maskPhone } from '../shared/phone.js';
import { ContactHistorySchema } from './contact-history.entity.js';
import { requireCustomer } from './outreach-customer.js';

export type ContactHistoryQuery = { customerId: string; page: number; size: number; order: 'asc' | 'desc' };

/** Seed §5.6: a customer's outreach touches, newest first; 404 CUSTOMER_NOT_FOUND for an unknown customer. */
export async function listContactHistory(em: EntityManager, q: ContactHistoryQuery) {
  await requireCustomer(em, q.customerId);
  const [rows, total] = await em.findAndCount(
    ContactHistorySchema,
    { customer: q.customerId },
    { orderBy: { createdAt: q.order, id: q.order }, limit: q.size, offset: (q.page - 1) * q.size },
  );
  return {
    total,
    rows: rows.map((r) => ({
      id: r.id,
      customerId: q.customerId,
      channel: r.channel,
      type: r.type,
      content: r.content,
      status: r.status,
      result: r.result ?? null,
      dryRun: r.dryRun,
      phone: r.phone ? maskPhone(r.phone) : null,
      createdBy: r.createdBy ?? null,
      createdAt: r.createdAt.toISOString(),
    })),
  };
}
