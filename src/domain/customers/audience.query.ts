import type { EntityManager } from '@mikro-orm/core';
import { BehaviorSql } from './behavior.query.js';
import type { AudienceFilter } from './audience.js';

const PAGE = 5000;
const DAY = 86_400_000;

type Where = { sql: string; params: unknown[] };

/** The SQL of each audience criterion against one table (the parameter is bound where `?` stands). */
type CriterionSql = { segment: string; lastVisitSince: string; tag: string };

function audienceWhere(db: BehaviorSql, filter: AudienceFilter, now: Date, on: CriterionSql): Where {
  const parts: string[] = [];
  const params: unknown[] = [];
  if (filter.segments?.length) {
    parts.push(on.segment);
    params.push(filter.segments);
  }
  if (filter.lastVisitDays) {
    parts.push(on.lastVisitSince);
    params.push(db.date(new Date(now.getTime() - filter.lastVisitDays * DAY)));
  }
  if (filter.tags?.length) {
    parts.push(on.tag);
    params.push(filter.tags);
  }
  return { sql: parts.map((w) => ` and ${w}`).join(''), params };
}

/**
 * The conditions an audience puts on a member (`members m`): its own segment (the segmentation run
 * writes it), a tag it carries, its last visit (member_behavior).
 */
const ON_MEMBER: CriterionSql = {
  segment: 'm.segment in (?)',
  lastVisitSince: 'exists (select 1 from member_behavior b where b.member_id = m.id and b.last_visit_at >= ?)',
  tag: 'exists (select 1 from member_tags t where t.member_id = m.id and t.tag in (?))',
};

/**
 * The conditions an audience puts on a CRM customer (`customers c`): its segment (the segmentation run
 * mirrors its best membership's), a tag one of its memberships carries, its last visit.
 */
const ON_CUSTOMER: CriterionSql = {
  segment: 'c.segment in (?)',
  lastVisitSince: 'c.last_visit_at >= ?',
  tag: 'exists (select 1 from members m join member_tags t on t.member_id = m.id where m.customer_id = c.id and t.tag in (?))',
};

const memberWhere = (db: BehaviorSql, filter: AudienceFilter, now: Date): Where => audienceWhere(db, filter, now, ON_MEMBER);
const customerWhere = (db: BehaviorSql, filter: AudienceFilter, now: Date): Where => audienceWhere(db, filter, now, ON_CUSTOMER);

export type AudienceRecipient = { e164: string; last8: string; customerId: string | null };

/**
 * The mobile numbers of an audience (SMS batches), one per number: first the contacts of matching
 * customers (primary contacts first), then the own numbers of matching active members (a member without
 * a CRM customer is reachable too). Read page by page on the id, so a large audience stays small in memory.
 */
export async function audiencePhones(em: EntityManager, filter: AudienceFilter, now: Date): Promise<AudienceRecipient[]> {
  const db = new BehaviorSql(em);
  const seen = new Set<string>();
  const out: AudienceRecipient[] = [];
  const add = (e164: string | null, last8: string | null, customerId: string | null) => {
    if (!e164 || !last8 || seen.has(e164)) return;
    seen.add(e164);
    out.push({ e164, last8, customerId });
  };
  const byCustomer = customerWhere(db, filter, now);
  let afterId = 0;
  for (;;) {
    const page = await db.rows<{ id: number; mobile: string; mobile_last8: string; customer_id: string; is_primary: number | boolean }>(
      `select cc.id, cc.mobile, cc.mobile_last8, cc.customer_id, cc.is_primary from customer_contacts cc join customers c on c.id = cc.customer_id
       where cc.id > ? and cc.mobile is not null${byCustomer.sql} order by cc.id limit ?`,
      [afterId, ...byCustomer.params, PAGE],
    );
    for (const c of [...page].sort((a, b) => Number(b.is_primary) - Number(a.is_primary))) add(c.mobile, c.mobile_last8, c.customer_id);
    if (page.length < PAGE) break;
    afterId = Number(page[page.length - 1]!.id);
  }
  for await (const page of memberPages(db, filter, now)) for (const m of page) add(m.phone, m.phone.slice(-8), m.customerId);
  return out;
}

export type AudienceMember = { id: string; name: string; phone: string; customerId: string | null; ownerStaffId: number | null };

async function* memberPages(db: BehaviorSql, filter: AudienceFilter, now: Date): AsyncGenerator<AudienceMember[]> {
  const where = memberWhere(db, filter, now);
  let after = '';
  for (;;) {
    const page = await db.rows<{ id: string; name: string | null; phone: string; customer_id: string | null; owner_staff_id: number | null }>(
      `select m.id, m.name, m.phone, m.customer_id, c.owner_staff_id from members m left join customers c on c.id = m.customer_id
       where m.id > ? and m.phone is not null and m.status = 'active'${where.sql} order by m.id limit ?`,
      [after, ...where.params, PAGE],
    );
    yield page.map((m) => ({ id: m.id, name: (m.name ?? '会员').slice(0, 10), phone: m.phone, customerId: m.customer_id ?? null, ownerStaffId: m.owner_staff_id === null ? null : Number(m.owner_staff_id) }));
    if (page.length < PAGE) return;
    after = page[page.length - 1]!.id;
  }
}

/**
 * The audience's active members with a mobile number (campaigns: one tracking row each), one per number
 * (the earliest member keeps it), with their CRM customer and its owner.
 */
export async function audienceMembers(em: EntityManager, filter: AudienceFilter, now: Date): Promise<AudienceMember[]> {
  const seen = new Set<string>();
  const out: AudienceMember[] = [];
  for await (const page of memberPages(new BehaviorSql(em), filter, now)) {
    for (const m of page) {
      if (seen.has(m.phone)) continue;
      seen.add(m.phone);
      out.push(m);
    }
  }
  return out;
}

export type AudienceCounts = { members: number; reachable: number; customers: number; owned: number };

/**
 * How many active members the audience has; how many have a mobile number (reachable), and of those how
 * many are CRM customers and how many customers have an owner.
 */
export async function audienceMemberCounts(em: EntityManager, filter: AudienceFilter, now: Date): Promise<AudienceCounts> {
  const db = new BehaviorSql(em);
  const where = memberWhere(db, filter, now);
  type N = number | string | null;
  const [row] = await db.rows<{ members: N; reachable: N; customers: N; owned: N }>(
    `select count(*) as members, sum(case when m.phone is not null then 1 else 0 end) as reachable,
            sum(case when m.phone is not null and c.id is not null then 1 else 0 end) as customers,
            sum(case when m.phone is not null and c.owner_staff_id is not null then 1 else 0 end) as owned
       from members m left join customers c on c.id = m.customer_id where m.status = 'active'${where.sql}`,
    where.params,
  );
  return { members: Number(row?.members ?? 0), reachable: Number(row?.reachable ?? 0), customers: Number(row?.customers ?? 0), owned: Number(row?.owned ?? 0) };
}

/** The CRM customers of an audience (invitations go to customers), in id order, at most `limit` + 1 so a caller sees "too many". */
export async function audienceCustomerIds(em: EntityManager, filter: AudienceFilter, now: Date, limit: number): Promise<string[]> {
  const db = new BehaviorSql(em);
  const where = customerWhere(db, filter, now);
  const rows = await db.rows<{ id: string }>(`select c.id from customers c where 1 = 1${where.sql} order by c.id limit ?`, [...where.params, limit + 1]);
  return rows.map((r) => r.id);
}
