import type { EntityManager } from '@mikro-orm/core';
import type { SqlEntityManager } from '@mikro-orm/sql';
import { mobileOwners, writeClaims } from '../customers/mobile-ownership.js';
import { customerIdsForPhones } from '../customers/phone-resolution.js';
import { CustomerContactSchema } from '../customers/customer-contact.entity.js';
import { CustomerSchema } from '../customers/customer.entity.js';
import { maskPhone, type NormalizedPhone } from '../shared/phone.js';
import { dateTime, limitedText, list, oneOf, phone, text } from './cell-values.js';
import { changes, definedOnly, jsonValue, lastByKey, upsertRows, type BatchOutcome, type Column, type Importer, type ImportContext, type ParsedRow, type RowIssue } from './importer.js';

const CUSTOMER_ID = /^[A-Za-z0-9_.-]{1,64}$/;

export const customerColumns = (timeZone: string): Column[] => [
  { field: 'id', label: '客户编号', headers: ['客户编号', '客户id', '客户代码', '编号', 'customerid', 'id'], parse: (c) => (CUSTOMER_ID.test(text(c)) ? text(c) : { error: '客户编号只能含字母、数字、_ . -，最长 64 位' }) },
  { field: 'name', label: '客户名称', headers: ['客户名称', '客户姓名', '客户名', '姓名', '名称', '客户', 'name', 'customername', 'customer'], required: true, parse: limitedText(64) },
  { field: 'companyName', label: '公司', headers: ['公司', '公司名称', '单位', '企业', '企业名称', 'company', 'companyname'], parse: limitedText(128) },
  { field: 'phone', label: '客户电话', headers: ['客户电话', '公司电话', '电话', '座机', 'phone', 'telephone', 'tel'], phone: true, parse: phone('any') },
  { field: 'level', label: '客户等级', headers: ['客户等级', '等级', '级别', 'level'], parse: oneOf({ vip: ['VIP客户', '重要', '重点'], normal: ['普通', '一般'], potential: ['潜在', '意向'] }) },
  { field: 'segment', label: '客户分层', headers: ['客户分层', '分层', 'segment'], parse: oneOf({ VIP: ['贵宾'], loyal: ['忠诚'], potential: ['潜力'], regular: ['常规', '普通'], churn_risk: ['流失风险', 'churn-risk'], new: ['新客', '新客户'] }) },
  { field: 'owner', label: '负责人', headers: ['负责人', '归属销售', '销售', '客户经理', '跟进人', 'owner', 'sales'], parse: limitedText(64) },
  { field: 'tags', label: '标签', headers: ['标签', 'tags', 'tag'], parse: list },
  { field: 'notes', label: '备注', headers: ['备注', '说明', 'notes', 'note', 'remark'], parse: limitedText(2000) },
  { field: 'birthday', label: '生日', headers: ['生日', '出生日期', 'birthday'], parse: dateTime(timeZone) },
  { field: 'source', label: '来源', headers: ['来源', '客户来源', 'source'], parse: limitedText(32) },
  { field: 'contactName', label: '联系人', headers: ['联系人', '联系人姓名', 'contact', 'contactname'], parse: limitedText(64) },
  { field: 'contactMobile', label: '联系人手机', headers: ['联系人手机', '手机', '手机号', '手机号码', '移动电话', 'mobile', 'contactmobile', 'cellphone'], phone: true, parse: phone('mobile') },
  { field: 'contactPhone', label: '联系人电话', headers: ['联系人电话', 'contactphone'], phone: true, parse: phone('any') },
  { field: 'position', label: '职位', headers: ['职位', '职务', 'position', 'title'], parse: limitedText(64) },
  { field: 'department', label: '部门', headers: ['部门', 'department'], parse: limitedText(64) },
];

function checkRow(row: ParsedRow): RowIssue[] {
  const v = row.values;
  if (!v.id && !v.contactMobile && !v.contactPhone && !v.phone) return [{ line: row.line, field: 'id', value: null, reason: '缺少客户编号，也没有任何电话：无法确定是哪位客户' }];
  return [];
}

/** The owner column: a staff member's name or mobile, resolved among active staff. */
function ownerOf(row: ParsedRow, ctx: ImportContext): number | undefined | RowIssue {
  const owner = row.values.owner as string | undefined;
  if (!owner) return undefined;
  const id = ctx.staff.get(owner);
  if (id === undefined) return { line: row.line, field: 'owner', value: owner, reason: '找不到该员工（按姓名或手机号，仅限在职员工）' };
  if (id === null) return { line: row.line, field: 'owner', value: owner, reason: '有重名员工，请改填负责人手机号' };
  return id;
}

const localDate = (d: Date | undefined, timeZone: string) =>
  d ? new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(d) : undefined;

/** The customer columns a row may fill, compared with what is stored (a stored row gets only these). */
const CUSTOMER_FIELDS = ['name', 'companyName', 'phone', 'phoneLast8', 'level', 'segment', 'ownerStaff', 'tags', 'notes', 'birthday', 'source'] as const;
const CONTACT_FIELDS = ['name', 'mobile', 'mobileLast8', 'phone', 'phoneLast8', 'position', 'department'] as const;

type Keyed = ParsedRow & { id: string; ownerId?: number };
type Row = Record<string, unknown>;
type StoredContact = Row & { id: number; customer: string };

/**
 * Customers with their contact, upserted by the customer's own id; a row without an id is matched by its
 * number through the customers module (the one phone → customer rule), and a number nobody has yet gets
 * the id CUST_<national number>, so the same file imported again finds the same customers. Blank cells
 * never erase what is stored. A row's contact is matched by mobile, then phone, then name, among the
 * customer's contacts; a new contact is the primary one when the customer has none. Set-based: a batch
 * is a handful of statements whatever its size — the numbers' owners, the stored customers and their
 * contacts read once; new customers, changed customers (one upsert), claims of their mobiles, new and
 * changed contacts (one upsert) written once each.
 */
export const customersImporter = (timeZone: string): Importer => ({
  kind: 'customers',
  columns: customerColumns(timeZone),
  check: checkRow,
  async apply(em: EntityManager, rows: ParsedRow[], ctx: ImportContext): Promise<BatchOutcome> {
    const rejected: RowIssue[] = [];
    const { kept, repeated } = lastByKey(await keyRows(em, rows, ctx, rejected), (r) => r.id);
    const claims = await refuseOthersMobiles(em, kept, rejected);
    const now = ctx.now;
    const existing = await storedCustomers(em, [...kept.keys()]);
    const contactsOf = await storedContacts(em, [...existing.keys()]);
    const newCustomers: Row[] = [];
    const changedCustomers: Row[] = [];
    const newContacts: Row[] = [];
    const changedContacts: Row[] = [];
    let updated = 0;
    let unchanged = repeated;
    for (const row of kept.values()) {
      const v = row.values;
      const fields = {
        name: v.name as string,
        companyName: v.companyName as string | undefined,
        phone: (v.phone as NormalizedPhone | undefined)?.e164,
        phoneLast8: (v.phone as NormalizedPhone | undefined)?.last8,
        level: v.level,
        segment: v.segment,
        ownerStaff: row.ownerId,
        tags: v.tags as string[] | undefined,
        notes: v.notes as string | undefined,
        birthday: localDate(v.birthday as Date | undefined, timeZone),
        source: v.source as string | undefined,
      };
      const current = existing.get(row.id);
      let changed = false;
      if (!current) {
        newCustomers.push({ level: 'normal', tags: [], annualRevenueFen: 0, orderCount: 0, source: 'import', ...definedOnly(fields), id: row.id, createdAt: now, updatedAt: now });
      } else {
        const diff = changes(current, fields);
        if (Object.keys(diff).length) {
          changedCustomers.push({ ...current, ...diff, updatedAt: now });
          changed = true;
        }
      }
      const contact = contactChange(row, contactsOf, now);
      if (contact) (contact.id ? changedContacts : newContacts).push(contact);
      if (current) {
        if (changed || contact) updated += 1;
        else unchanged += 1;
      }
    }
    if (newCustomers.length) await em.insertMany(CustomerSchema, newCustomers as never[]);
    await upsertRows(em, CustomerSchema, changedCustomers, 'id', [...CUSTOMER_FIELDS, 'updatedAt']);
    await writeClaims(em, claims, now);
    if (newContacts.length) await em.insertMany(CustomerContactSchema, newContacts as never[]);
    await upsertRows(em, CustomerContactSchema, changedContacts, 'id', [...CONTACT_FIELDS, 'updatedAt']);
    return { created: newCustomers.length, updated, unchanged, rejected };
  },
});

/**
 * Each row's customer id: its own, else the customer its number belongs to (one lookup for the batch),
 * else CUST_<national number>; and its owner among active staff (a row naming nobody known is rejected).
 */
async function keyRows(em: EntityManager, rows: ParsedRow[], ctx: ImportContext, rejected: RowIssue[]): Promise<Keyed[]> {
  const owned: Array<ParsedRow & { ownerId?: number }> = [];
  for (const row of rows) {
    const owner = ownerOf(row, ctx);
    if (owner && typeof owner === 'object') rejected.push(owner);
    else owned.push({ ...row, ownerId: owner });
  }
  const numberOf = (row: ParsedRow) => (row.values.contactMobile ?? row.values.contactPhone ?? row.values.phone) as NormalizedPhone;
  const unnamed = owned.filter((r) => !r.values.id).map(numberOf);
  const byNumber = unnamed.length ? await customerIdsForPhones(em, unnamed) : new Map<string, string>();
  return owned.map((row) => ({ ...row, id: (row.values.id as string | undefined) ?? byNumber.get(numberOf(row).e164) ?? `CUST_${numberOf(row).national}` }));
}

/** The stored customers among `ids`, read as plain rows (only the columns an import compares and keeps). */
async function storedCustomers(em: EntityManager, ids: string[]): Promise<Map<string, Row>> {
  if (ids.length === 0) return new Map();
  const rows = await (em as SqlEntityManager).createQueryBuilder(CustomerSchema).select(['id', 'createdAt', ...CUSTOMER_FIELDS]).where({ id: { $in: ids } }).execute('all');
  return new Map(rows.map((c) => [c.id, { ...c, tags: jsonValue<string[]>(c.tags), birthday: c.birthday ?? undefined } as Row]));
}

/** The contacts of the stored customers, by customer. */
async function storedContacts(em: EntityManager, customerIds: string[]): Promise<Map<string, StoredContact[]>> {
  const out = new Map<string, StoredContact[]>();
  if (customerIds.length === 0) return out;
  const rows = await (em as SqlEntityManager).createQueryBuilder(CustomerContactSchema).select(['id', 'customer', 'createdAt', ...CONTACT_FIELDS]).where({ customer: { $in: customerIds } }).execute('all');
  for (const c of rows as unknown as StoredContact[]) out.set(c.customer, [...(out.get(c.customer) ?? []), c]);
  return out;
}

const MOBILE_FIELDS = ['contactMobile', 'contactPhone', 'phone'] as const;

/**
 * The customers module's rule "a mobile belongs to one customer" (`mobileOwners`): a row that would give a
 * customer a mobile another customer has (stored, or an earlier row of this batch) is rejected, naming that
 * customer; a stale claim (its customer no longer carries the number) is taken over, as by the API.
 * Returns the claims the kept rows write (their mobiles no live claim names yet), for `writeClaims`.
 */
async function refuseOthersMobiles(em: EntityManager, kept: Map<string, Keyed>, rejected: RowIssue[]): Promise<Array<{ mobile: string; customerId: string; staleClaimOf?: string }>> {
  const mobileOf = (row: ParsedRow, field: (typeof MOBILE_FIELDS)[number]) => {
    const p = row.values[field] as NormalizedPhone | undefined;
    return p?.kind === 'mobile' ? p.e164 : null;
  };
  const mobilesOf = (row: ParsedRow) => [...new Set(MOBILE_FIELDS.map((f) => mobileOf(row, f)).filter((m): m is string => m !== null))];
  const owners = await mobileOwners(em, [...kept.values()].flatMap(mobilesOf));
  const claims: Array<{ mobile: string; customerId: string; staleClaimOf?: string }> = [];
  for (const [id, row] of kept) {
    const field = MOBILE_FIELDS.find((f) => {
      const m = mobileOf(row, f);
      return m !== null && (owners.get(m)?.customerId ?? id) !== id;
    });
    if (field) {
      const mobile = mobileOf(row, field)!;
      rejected.push({ line: row.line, field, value: maskPhone(mobile), reason: `手机号已属于客户 ${owners.get(mobile)!.customerId}，一个手机号只能属于一位客户（可先合并客户）` });
      kept.delete(id);
      continue;
    }
    for (const mobile of mobilesOf(row)) {
      const owner = owners.get(mobile);
      if (!owner?.claimed && owner?.staleClaimOf !== id) claims.push({ mobile, customerId: id, staleClaimOf: owner?.staleClaimOf });
      owners.set(mobile, { customerId: id, claimed: true });
    }
  }
  return claims;
}

/**
 * The row's contact as a row to write: a new one (no id), a stored one whole with the row's changes (its
 * id), or null when the row names no contact or changes nothing.
 */
function contactChange(row: Keyed, contactsOf: Map<string, StoredContact[]>, now: Date): Row | null {
  const v = row.values;
  const mobile = v.contactMobile as NormalizedPhone | undefined;
  const phone = v.contactPhone as NormalizedPhone | undefined;
  if (!v.contactName && !mobile && !phone) return null;
  const mine = contactsOf.get(row.id) ?? [];
  const match =
    (mobile && mine.find((c) => c.mobile === mobile.e164)) ||
    (phone && mine.find((c) => c.phone === phone.e164 || c.mobile === phone.e164)) ||
    (!mobile && !phone && v.contactName ? mine.find((c) => c.name === v.contactName) : undefined);
  const fields = {
    name: (v.contactName ?? v.name) as string,
    mobile: mobile?.e164,
    mobileLast8: mobile?.last8,
    phone: phone?.e164,
    phoneLast8: phone?.last8,
    position: v.position as string | undefined,
    department: v.department as string | undefined,
  };
  if (match) {
    const diff = changes(match, fields);
    return Object.keys(diff).length ? { ...match, ...diff, updatedAt: now } : null;
  }
  const contact = { ...definedOnly(fields), customer: row.id, isPrimary: mine.length === 0, phoneType: mobile || !phone ? 'mobile' : 'landline', callPreference: 'any', callCount: 0, createdAt: now, updatedAt: now };
  contactsOf.set(row.id, [...mine, { ...contact, id: -1 } as StoredContact]);
  return contact;
}
