import { randomBytes } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/core';
import { recordAudit } from '../audit/audit.service.js';
import { authorize, can, type Actor } from '../auth/actor.js';
import { auditedBy } from '../auth/staff-actor.js';
import { DomainError } from '../shared/domain-error.js';
import { normalizePhone } from '../shared/phone.js';
import type { FieldIssue } from '../shared/validation.js';
import type { CustomerSegment } from '../shared/vocabulary.js';
import { StaffSchema } from '../staff/staff.entity.js';
import { contactRow, type ContactInput } from './customer-contact.input.js';
import { CustomerContactSchema } from './customer-contact.entity.js';
import { CustomerSchema, type Customer, type CustomerLevel } from './customer.entity.js';
import { contactView, customerView } from './customer.view.js';
import { claimMobiles, mobilesAmong, releaseMobiles, withMobileRule } from './mobile-ownership.js';

export type CustomerFields = {
  name: string;
  companyName?: string | null;
  phone?: string | null;
  level?: CustomerLevel;
  segment?: CustomerSegment | null;
  ownerStaffId?: number | null;
  tags?: string[];
  notes?: string | null;
  /** A calendar day, YYYY-MM-DD. */
  birthday?: string | null;
  source?: string | null;
};

export type NewCustomer = CustomerFields & { id?: string; contacts?: ContactInput[] };

/** 404 CUSTOMER_NOT_FOUND unless the customer exists. */
export async function customerOrFail(em: EntityManager, id: string): Promise<Customer> {
  const customer = await em.findOne(CustomerSchema, { id });
  if (!customer) throw new DomainError('CUSTOMER_NOT_FOUND', `客户 ${id} 不存在`);
  return customer;
}

/**
 * Who may change a customer: `customer:edit` for any customer; `customer:create` for the customers one
 * owns (a sales person keeps their own customers' records).
 */
export function authorizeCustomerEdit(actor: Actor, customer: Pick<Customer, 'ownerStaff'>): void {
  if (can(actor, 'customer:create') && customer.ownerStaff === actor.staffId) return;
  authorize(actor, 'customer:edit', '修改他人客户');
}

/** The owner must be an active staff member (field issue otherwise). */
async function checkOwner(em: EntityManager, ownerStaffId: number | null | undefined, problems: FieldIssue[]) {
  if (ownerStaffId == null) return;
  if (!(await em.count(StaffSchema, { id: ownerStaffId, active: true }))) problems.push({ field: 'ownerStaffId', message: `员工 ${ownerStaffId} 不存在或已停用` });
}

/** Column values of the given fields (numbers normalised; undefined fields left out). */
function customerColumns(input: Partial<CustomerFields>, problems: FieldIssue[]): Record<string, unknown> {
  const row: Record<string, unknown> = {};
  if (input.name !== undefined) row.name = input.name;
  if (input.companyName !== undefined) row.companyName = input.companyName;
  if (input.phone !== undefined) {
    const phone = input.phone ? normalizePhone(input.phone) : null;
    if (input.phone && !phone) problems.push({ field: 'phone', message: '不是有效的电话号码' });
    row.phone = phone?.e164 ?? null;
    row.phoneLast8 = phone?.last8 ?? null;
  }
  if (input.level !== undefined) row.level = input.level;
  if (input.segment !== undefined) row.segment = input.segment;
  if (input.ownerStaffId !== undefined) row.ownerStaff = input.ownerStaffId;
  if (input.tags !== undefined) row.tags = [...new Set(input.tags)];
  if (input.notes !== undefined) row.notes = input.notes;
  if (input.birthday !== undefined) row.birthday = input.birthday;
  if (input.source !== undefined) row.source = input.source;
  return row;
}

const newCustomerId = () => `CUST_${randomBytes(5).toString('hex').toUpperCase()}`;

/**
 * Creates a customer with its contacts in one transaction. Every mobile among the customer's number and
 * its contacts' numbers is claimed for it (a mobile another customer has: 409 naming that customer); the
 * first contact is the primary one unless another is marked. Sales people own what they create unless
 * an owner is named (naming someone else needs `customer:edit`).
 */
export async function createCustomer(em: EntityManager, actor: Actor, input: NewCustomer) {
  authorize(actor, ['customer:create', 'customer:edit'], '新建客户');
  if (input.ownerStaffId != null && input.ownerStaffId !== actor.staffId) authorize(actor, 'customer:edit', '为他人新建客户');
  const problems: FieldIssue[] = [];
  const columns = customerColumns(input, problems);
  const contacts = (input.contacts ?? []).map((c, i) => contactRow(c, problems, `contacts.${i}`));
  await checkOwner(em, input.ownerStaffId, problems);
  if (input.id && (await em.count(CustomerSchema, { id: input.id }))) {
    throw new DomainError('CUSTOMER_ID_TAKEN', `客户编号 ${input.id} 已存在`, { customerId: input.id });
  }
  if (problems.length) throw new DomainError('VALIDATION_FAILED', '客户信息不合法', { fields: problems });
  const id = input.id ?? newCustomerId();
  const ownerStaff = input.ownerStaffId === undefined ? (can(actor, 'customer:edit') ? null : actor.staffId) : input.ownerStaffId;
  if (contacts.length && !contacts.some((c) => c.isPrimary)) contacts[0]!.isPrimary = true;
  const mobiles = mobilesAmong([columns.phone as string | null, ...contacts.flatMap((c) => [c.mobile, c.phone])]);
  return withMobileRule(em, mobiles, () =>
    em.transactional(async (tx) => {
      await tx.insert(CustomerSchema, { level: 'normal', tags: [], source: 'api', ...columns, ownerStaff, id, createdAt: new Date(), updatedAt: new Date() } as never);
      await claimMobiles(tx, id, mobiles);
      for (const c of contacts) tx.create(CustomerContactSchema, { ...c, customer: id } as never);
      recordAudit(tx, { ...auditedBy(actor), action: 'customer.create', targetType: 'customer', targetId: id, details: { contacts: contacts.length } });
      await tx.flush();
      return customerWithContacts(tx, id, actor);
    }),
  );
}

/** One customer with its contacts: numbers in full for a viewer holding customer:phone:view, masked otherwise. */
export async function customerWithContacts(em: EntityManager, id: string, viewer: Actor | null) {
  const customer = await customerOrFail(em, id);
  const contacts = await em.find(CustomerContactSchema, { customer: id }, { orderBy: { isPrimary: 'desc', id: 'asc' } });
  const view = { detail: viewer };
  return { ...customerView(customer, view), contacts: contacts.map((c) => contactView(c, view)) };
}

export async function getCustomer(em: EntityManager, actor: Actor, id: string) {
  authorize(actor, 'customer:view', '查看客户');
  return customerWithContacts(em, id, actor);
}

/** Changes the given fields; a changed number is claimed (409 when another customer has it) and the old one released. */
export async function updateCustomer(em: EntityManager, actor: Actor, id: string, input: Partial<CustomerFields>) {
  const current = await customerOrFail(em, id);
  authorizeCustomerEdit(actor, current);
  const problems: FieldIssue[] = [];
  const columns = customerColumns(input, problems);
  await checkOwner(em, input.ownerStaffId, problems);
  if (problems.length) throw new DomainError('VALIDATION_FAILED', '客户信息不合法', { fields: problems });
  const oldPhone = current.phone ?? null;
  const mobiles = 'phone' in columns ? mobilesAmong([columns.phone as string | null]) : [];
  return withMobileRule(em, mobiles, () =>
    em.transactional(async (tx) => {
      await tx.nativeUpdate(CustomerSchema, { id }, { ...columns, updatedAt: new Date() } as never);
      await claimMobiles(tx, id, mobiles);
      if ('phone' in columns && oldPhone !== columns.phone) await releaseMobiles(tx, id, mobilesAmong([oldPhone]));
      recordAudit(tx, { ...auditedBy(actor), action: 'customer.update', targetType: 'customer', targetId: id, details: { fields: Object.keys(input) } });
      await tx.flush();
      tx.clear();
      return customerWithContacts(tx, id, actor);
    }),
  );
}
