import type { EntityManager } from '@mikro-orm/core';
import { mobileOwners } from '../customers/mobile-ownership.js';
import { customerIdForPhone } from '../customers/phone-resolution.js';
import { CustomerContactSchema, type CustomerContact } from '../customers/customer-contact.entity.js';
import { CustomerSchema, type Customer } from '../customers/customer.entity.js';
import { maskPhone, type NormalizedPhone } from '../shared/phone.js';
import { dateTime, limitedText, list, oneOf, phone, text } from './cell-values.js';
import { changes, definedOnly, lastByKey, type BatchOutcome, type Column, type Importer, type ImportContext, type ParsedRow, type RowIssue } from './importer.js';

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

/**
 * Customers with their contact, upserted by the customer's own id; a row without an id is matched by its
 * number through the customers module (the one phone → customer rule), and a number nobody has yet gets
 * the id CUST_<national number>, so the same file imported again finds the same customers. Blank cells
 * never erase what is stored. A row's contact is matched by mobile, then phone, then name, among the
 * customer's contacts; a new contact is the primary one when the customer has none.
 */
export const customersImporter = (timeZone: string): Importer => ({
  kind: 'customers',
  columns: customerColumns(timeZone),
  check: checkRow,
  async apply(em: EntityManager, rows: ParsedRow[], ctx: ImportContext): Promise<BatchOutcome> {
    const rejected: RowIssue[] = [];
    const keyed: Array<ParsedRow & { id: string; ownerId?: number }> = [];
    for (const row of rows) {
      const owner = ownerOf(row, ctx);
      if (owner && typeof owner === 'object') {
        rejected.push(owner);
        continue;
      }
      let id = row.values.id as string | undefined;
      if (!id) {
        const number = (row.values.contactMobile ?? row.values.contactPhone ?? row.values.phone) as NormalizedPhone;
        id = (await customerIdForPhone(em, number)) ?? `CUST_${number.national}`;
      }
      keyed.push({ ...row, id, ownerId: owner });
    }
    const { kept, repeated } = lastByKey(keyed, (r) => r.id);
    await refuseOthersMobiles(em, kept, rejected);
    const ids = [...kept.keys()];
    const now = ctx.now;
    const existing = new Map((await em.find(CustomerSchema, { id: { $in: ids } }, { disableIdentityMap: true })).map((c) => [c.id, c]));
    const contactsOf = new Map<string, CustomerContact[]>();
    for (const c of await em.find(CustomerContactSchema, { customer: { $in: ids } }, { disableIdentityMap: true })) {
      const list = contactsOf.get(c.customer.id) ?? [];
      list.push(c);
      contactsOf.set(c.customer.id, list);
    }
    const newCustomers: Array<Partial<Customer>> = [];
    const newContacts: Array<Record<string, unknown>> = [];
    let created = 0;
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
        newCustomers.push({ level: 'normal', tags: [], annualRevenueFen: 0, orderCount: 0, source: 'import', ...definedOnly(fields), id: row.id, createdAt: now, updatedAt: now } as Partial<Customer>);
        created += 1;
      } else {
        const diff = changes({ ...current, birthday: current.birthday ?? undefined }, fields);
        if (Object.keys(diff).length) {
          await em.nativeUpdate(CustomerSchema, { id: row.id }, { ...diff, updatedAt: now } as never);
          changed = true;
        }
      }
      changed = contactChange(row, contactsOf, newContacts, now) || changed;
      if (current) {
        if (changed) updated += 1;
        else unchanged += 1;
      }
    }
    if (newCustomers.length) await em.insertMany(CustomerSchema, newCustomers as never[]);
    for (const c of newContacts.filter((c) => c.id)) await em.nativeUpdate(CustomerContactSchema, { id: c.id as number }, { ...c, id: undefined } as never);
    const inserts = newContacts.filter((c) => !c.id);
    if (inserts.length) await em.insertMany(CustomerContactSchema, inserts as never[]);
    return { created, updated, unchanged, rejected };
  },
});

const MOBILE_FIELDS = ['contactMobile', 'contactPhone', 'phone'] as const;

/**
 * The customers module's rule "a mobile belongs to one customer": a row that would give a customer a
 * mobile another customer has (stored, or an earlier row of this batch) is rejected, naming that customer.
 */
async function refuseOthersMobiles(em: EntityManager, kept: Map<string, ParsedRow & { id: string }>, rejected: RowIssue[]): Promise<void> {
  const mobileOf = (row: ParsedRow, field: (typeof MOBILE_FIELDS)[number]) => {
    const p = row.values[field] as NormalizedPhone | undefined;
    return p?.kind === 'mobile' ? p.e164 : null;
  };
  const owners = await mobileOwners(em, [...kept.values()].flatMap((r) => MOBILE_FIELDS.map((f) => mobileOf(r, f)).filter((m): m is string => m !== null)));
  for (const [id, row] of kept) {
    const field = MOBILE_FIELDS.find((f) => {
      const m = mobileOf(row, f);
      return m !== null && (owners.get(m) ?? id) !== id;
    });
    if (field) {
      const mobile = mobileOf(row, field)!;
      rejected.push({ line: row.line, field, value: maskPhone(mobile), reason: `手机号已属于客户 ${owners.get(mobile)}，一个手机号只能属于一位客户（可先合并客户）` });
      kept.delete(id);
      continue;
    }
    for (const f of MOBILE_FIELDS) {
      const m = mobileOf(row, f);
      if (m) owners.set(m, id);
    }
  }
}

/** Adds the row's contact to `out` (insert, or update with its id); true when something changes. */
function contactChange(row: ParsedRow & { id: string }, contactsOf: Map<string, CustomerContact[]>, out: Array<Record<string, unknown>>, now: Date): boolean {
  const v = row.values;
  const mobile = v.contactMobile as NormalizedPhone | undefined;
  const phone = v.contactPhone as NormalizedPhone | undefined;
  if (!v.contactName && !mobile && !phone) return false;
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
    const diff = changes(match as unknown as Record<string, unknown>, fields);
    if (!Object.keys(diff).length) return false;
    out.push({ ...diff, id: match.id, updatedAt: now });
    return true;
  }
  const contact = { ...definedOnly(fields), customer: row.id, isPrimary: mine.length === 0, phoneType: mobile || !phone ? 'mobile' : 'landline', callPreference: 'any', callCount: 0, createdAt: now, updatedAt: now };
  mine.push({ ...contact, id: -1, customer: { id: row.id } } as unknown as CustomerContact);
  contactsOf.set(row.id, mine);
  out.push(contact);
  return true;
}
