import type { EntityManager } from '@mikro-orm/core';
import { recordAudit } from '../audit/audit.service.js';
import { authorize, type Actor } from '../auth/actor.js';
import { auditedBy } from '../auth/staff-actor.js';
import { DomainError } from '../shared/domain-error.js';
import type { FieldIssue } from '../shared/validation.js';
import { contactRow, type ContactInput } from './customer-contact.input.js';
import { CustomerContactSchema, type CustomerContact } from './customer-contact.entity.js';
import { authorizeCustomerEdit, customerOrFail } from './customer.service.js';
import { contactView } from './customer.view.js';
import { claimMobiles, mobilesAmong, releaseMobiles, withMobileRule } from './mobile-ownership.js';

async function contactOrFail(em: EntityManager, customerId: string, contactId: number): Promise<CustomerContact> {
  const contact = await em.findOne(CustomerContactSchema, { id: contactId, customer: customerId });
  if (!contact) throw new DomainError('CONTACT_NOT_FOUND', `客户 ${customerId} 没有联系人 ${contactId}`);
  return contact;
}

function failOn(problems: FieldIssue[]) {
  if (problems.length) throw new DomainError('VALIDATION_FAILED', '联系人信息不合法', { fields: problems });
}

/** Marking a contact primary unmarks the customer's other contacts. */
async function keepOnePrimary(tx: EntityManager, customerId: string, primaryId: number) {
  await tx.nativeUpdate(CustomerContactSchema, { customer: customerId, id: { $ne: primaryId }, isPrimary: true }, { isPrimary: false });
}

/** The customer's contacts, primary first, one page (numbers masked). */
export async function listContacts(em: EntityManager, actor: Actor, customerId: string, q: { page: number; size: number }) {
  authorize(actor, 'customer:view', '查看客户');
  await customerOrFail(em, customerId);
  const [rows, total] = await em.findAndCount(CustomerContactSchema, { customer: customerId }, { orderBy: { isPrimary: 'desc', id: 'asc' }, limit: q.size, offset: (q.page - 1) * q.size });
  return { rows: rows.map((c) => contactView(c)), total };
}

/** Adds a contact; its mobile (and phone, when a mobile) is claimed for the customer. The first contact is primary. */
export async function addContact(em: EntityManager, actor: Actor, customerId: string, input: ContactInput) {
  authorizeCustomerEdit(actor, await customerOrFail(em, customerId));
  const problems: FieldIssue[] = [];
  const row = contactRow(input, problems);
  failOn(problems);
  const mobiles = mobilesAmong([row.mobile, row.phone]);
  return withMobileRule(em, mobiles, () =>
    em.transactional(async (tx) => {
      await claimMobiles(tx, customerId, mobiles);
      const first = (await tx.count(CustomerContactSchema, { customer: customerId })) === 0;
      const contact = tx.create(CustomerContactSchema, { ...row, isPrimary: first || row.isPrimary === true, customer: customerId } as never);
      await tx.flush();
      if (contact.isPrimary) await keepOnePrimary(tx, customerId, contact.id);
      recordAudit(tx, { ...auditedBy(actor), action: 'customer.contact.create', targetType: 'customer', targetId: customerId, details: { contactId: contact.id } });
      await tx.flush();
      return contactView(contact);
    }),
  );
}

/** Changes the given fields of a contact; numbers it no longer carries are released, new mobiles claimed. */
export async function updateContact(em: EntityManager, actor: Actor, customerId: string, contactId: number, input: Partial<ContactInput>) {
  authorizeCustomerEdit(actor, await customerOrFail(em, customerId));
  const current = await contactOrFail(em, customerId, contactId);
  const before = mobilesAmong([current.mobile, current.phone]);
  const problems: FieldIssue[] = [];
  const row = contactRow(input, problems);
  failOn(problems);
  const mobiles = mobilesAmong([row.mobile, row.phone]);
  return withMobileRule(em, mobiles, () =>
    em.transactional(async (tx) => {
      await claimMobiles(tx, customerId, mobiles);
      await tx.nativeUpdate(CustomerContactSchema, { id: contactId }, { ...row, updatedAt: new Date() } as never);
      if (row.isPrimary === true) await keepOnePrimary(tx, customerId, contactId);
      await releaseMobiles(tx, customerId, before);
      recordAudit(tx, { ...auditedBy(actor), action: 'customer.contact.update', targetType: 'customer', targetId: customerId, details: { contactId, fields: Object.keys(input) } });
      await tx.flush();
      return contactView((await tx.findOne(CustomerContactSchema, { id: contactId }, { disableIdentityMap: true }))!);
    }),
  );
}

/** Removes a contact and releases the mobiles no other record of the customer carries. */
export async function removeContact(em: EntityManager, actor: Actor, customerId: string, contactId: number) {
  authorizeCustomerEdit(actor, await customerOrFail(em, customerId));
  const current = await contactOrFail(em, customerId, contactId);
  const before = mobilesAmong([current.mobile, current.phone]);
  await em.transactional(async (tx) => {
    await tx.nativeDelete(CustomerContactSchema, { id: contactId });
    await releaseMobiles(tx, customerId, before);
    recordAudit(tx, { ...auditedBy(actor), action: 'customer.contact.delete', targetType: 'customer', targetId: customerId, details: { contactId } });
    await tx.flush();
  });
  return { id: contactId, deleted: true };
}
