import type { EntityManager } from '@mikro-orm/core';
import { BehaviorSql } from '../customers/behavior.query.js';
import type { CustomerSegment } from '../shared/vocabulary.js';

export type AudienceRecipient = { e164: string; last8: string; customerId: string | null };

/** Who a batch goes to: customers (and members) by RFM segment, computed tags and/or a recent visit. */
export type AudienceFilter = { segments?: CustomerSegment[]; tags?: string[]; lastVisitDays?: number };

const PAGE = 5000;
const DAY = 86_400_000;

/**
 * The mobile numbers of an audience, one per number: first the contacts of matching customers (primary
 * contacts first), then the own numbers of matching active members (a member without a CRM customer is
 * reachable too). A customer matches by its segment (the segmentation run mirrors its best membership's),
 * a tag one of its memberships carries, and its last visit; a member by its own segment, tags and last
 * visit. Read page by page on the id in SQL, so a large audience stays small in memory.
 */
export async function batchAudience(em: EntityManager, filter: AudienceFilter, now: Date): Promise<AudienceRecipient[]> {
  const db = new BehaviorSql(em);
  const since = filter.lastVisitDays ? db.date(new Date(now.getTime() - filter.lastVisitDays * DAY)) : null;
  const seen = new Set<string>();
  const out: AudienceRecipient[] = [];
  const add = (e164: string | null, last8: string | null, customerId: string | null) => {
    if (!e164 || !last8 || seen.has(e164)) return;
    seen.add(e164);
    out.push({ e164, last8, customerId });
  };

  const customerWhere: string[] = [];
  const customerParams: unknown[] = [];
  if (filter.segments?.length) {
    customerWhere.push('c.segment in (?)');
    customerParams.push(filter.segments);
  }
  if (since !== null) {
    customerWhere.push('c.last_visit_at >= ?');
    customerParams.push(since);
  }
  if (filter.tags?.length) {
    customerWhere.push('exists (select 1 from members m join member_tags t on t.member_id = m.id where m.customer_id = c.id and t.tag in (?))');
    customerParams.push(filter.tags);
  }
  let afterId = 0;
  for (;;) {
    const page = await db.rows<{ id: number; mobile: string; mobile_last8: string; customer_id: string; is_primary: number | boolean }>(
      `select cc.id, cc.mobile, cc.mobile_last8, cc.customer_id, cc.is_primary from customer_contacts cc join customers c on c.id = cc.customer_id
       where cc.id > ? and cc.mobile is not null${customerWhere.map((w) => ` and ${w}`).join('')} order by cc.id limit ?`,
      [afterId, ...customerParams, PAGE],
    );
    for (const c of [...page].sort((a, b) => Number(b.is_primary) - Number(a.is_primary))) add(c.mobile, c.mobile_last8, c.customer_id);
    if (page.length < PAGE) break;
    afterId = Number(page[page.length - 1]!.id);
  }

  const memberWhere: string[] = [];
  const memberParams: unknown[] = [];
  if (filter.segments?.length) {
    memberWhere.push('m.segment in (?)');
    memberParams.push(filter.segments);
  }
  if (since !== null) {
    memberWhere.push('exists (select 1 from member_behavior b where b.member_id = m.id and b.last_visit_at >= ?)');
    memberParams.push(since);
  }
  if (filter.tags?.length) {
    memberWhere.push('exists (select 1 from member_tags t where t.member_id = m.id and t.tag in (?))');
    memberParams.push(filter.tags);
  }
  let afterMember = '';
  for (;;) {
    const page = await db.rows<{ id: string; phone: string; phone_last8: string; customer_id: string | null }>(
      `select m.id, m.phone, m.phone_last8, m.customer_id from members m
       where m.id > ? and m.phone is not null and m.status = 'active'${memberWhere.map((w) => ` and ${w}`).join('')} order by m.id limit ?`,
      [afterMember, ...memberParams, PAGE],
    );
    for (const m of page) add(m.phone, m.phone_last8, m.customer_id ?? null);
    if (page.length < PAGE) break;
    afterMember = page[page.length - 1]!.id;
  }
  return out;
}
