import type { EntityManager, FilterQuery } from '@mikro-orm/core';
import { CustomerContactSchema, type CustomerContact } from '../customers/customer-contact.entity.js';
import type { CustomerSegment } from '../shared/vocabulary.js';

export type AudienceRecipient = { e164: string; last8: string; customerId: string | null };

const PAGE = 5000;
const DAY = 86_400_000;

/**
 * The mobile numbers of customers matching a filter (segment, visited within the last N days), one per
 * number, primary contacts first. Read page by page on the contact id so a large audience stays small in memory.
 */
export async function batchAudience(
  em: EntityManager,
  filter: { segments?: CustomerSegment[]; lastVisitDays?: number },
  now: Date,
): Promise<AudienceRecipient[]> {
  const customer: Record<string, unknown> = {};
  if (filter.segments?.length) customer.segment = { $in: filter.segments };
  if (filter.lastVisitDays) customer.lastVisitAt = { $gte: new Date(now.getTime() - filter.lastVisitDays * DAY) };
  const seen = new Set<string>();
  const out: AudienceRecipient[] = [];
  let afterId = 0;
  for (;;) {
    const where = { id: { $gt: afterId }, mobile: { $ne: null }, ...(Object.keys(customer).length ? { customer } : {}) } as FilterQuery<CustomerContact>;
    const page = await em.find(CustomerContactSchema, where, {
      fields: ['id', 'mobile', 'mobileLast8', 'customer', 'isPrimary'],
      orderBy: { id: 'asc' },
      limit: PAGE,
      disableIdentityMap: true,
    });
    for (const contact of page.sort((a, b) => Number(b.isPrimary) - Number(a.isPrimary))) {
      if (!contact.mobile || !contact.mobileLast8 || seen.has(contact.mobile)) continue;
      seen.add(contact.mobile);
      out.push({ e164: contact.mobile, last8: contact.mobileLast8, customerId: contact.customer.id });
    }
    if (page.length < PAGE) return out;
    afterId = page.reduce((max, c) => Math.max(max, c.id), afterId);
  }
}
