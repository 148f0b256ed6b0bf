import type { EntityManager } from '@mikro-orm/core';
import { recordAudit } from '../audit/audit.service.js';
import { authorize, type Actor } from '../auth/actor.js';
import { auditedBy } from '../auth/staff-actor.js';
import { CallSchema } from '../calls/call.entity.js';
import { CallerIdentificationSchema } from '../calls/caller-identification.entity.js';
import { BindingCodeSchema } from '../chat/binding-code.entity.js';
import { MiniappIdentitySchema } from '../chat/miniapp-identity.entity.js';
import { ConsentSchema } from '../compliance/consent.entity.js';
import { MemberSchema } from '../members/member.entity.js';
import { ContactHistorySchema } from '../outreach/contact-history.entity.js';
import { CustomerFeedbackSchema } from '../outreach/customer-feedback.entity.js';
import { InvitationSchema } from '../outreach/invitation.entity.js';
import { SmsBatchRecipientSchema } from '../outreach/sms-batch-recipient.entity.js';
import { DomainError } from '../shared/domain-error.js';
import { FollowUpTaskSchema } from '../todos/follow-up-task.entity.js';
import { CustomerCommunicationSchema } from './customer-communication.entity.js';
import { CustomerContactSchema } from './customer-contact.entity.js';
import { CustomerSchema, type Customer } from './customer.entity.js';
import { customerOrFail, customerWithContacts } from './customer.service.js';
import { MobileClaimSchema } from './mobile-claim.entity.js';

/** Every table whose rows belong to a customer, by the property that points at it. */
const OWNED = [
  ['contacts', CustomerContactSchema, 'customer'],
  ['contactHistory', ContactHistorySchema, 'customer'],
  ['communications', CustomerCommunicationSchema, 'customer'],
  ['todos', FollowUpTaskSchema, 'customer'],
  ['calls', CallSchema, 'customer'],
  ['callerIdentifications', CallerIdentificationSchema, 'matchedCustomer'],
  ['invitations', InvitationSchema, 'customer'],
  ['feedback', CustomerFeedbackSchema, 'customer'],
  ['members', MemberSchema, 'customer'],
  ['consents', ConsentSchema, 'customer'],
  ['smsRecipients', SmsBatchRecipientSchema, 'customer'],
  ['bindingCodes', BindingCodeSchema, 'customer'],
  ['miniappIdentities', MiniappIdentitySchema, 'customer'],
  ['mobileClaims', MobileClaimSchema, 'customer'],
] as const;

const later = (a: Date | null | undefined, b: Date | null | undefined) => (!a ? (b ?? null) : !b ? a : a > b ? a : b);

/** The kept customer's blanks filled from the merged one; tags united; the later contact and visit kept. */
function mergedFields(kept: Customer, from: Customer): Record<string, unknown> {
  const fill = <K extends keyof Customer>(k: K) => (kept[k] == null || kept[k] === '' ? from[k] : kept[k]);
  const lastContactFromMerged = (from.lastContactAt?.getTime() ?? 0) > (kept.lastContactAt?.getTime() ?? 0);
  return {
    companyName: fill('companyName'),
    phone: fill('phone'),
    phoneLast8: kept.phone ? kept.phoneLast8 : from.phoneLast8,
    segment: fill('segment'),
    ownerStaff: fill('ownerStaff'),
    birthday: fill('birthday'),
    notes: [kept.notes, from.notes].filter(Boolean).join('\n') || null,
    source: fill('source'),
    tags: [...new Set([...(kept.tags ?? []), ...(from.tags ?? [])])],
    lastContactAt: later(kept.lastContactAt, from.lastContactAt),
    lastContactType: lastContactFromMerged ? from.lastContactType : kept.lastContactType,
    lastVisitAt: later(kept.lastVisitAt, from.lastVisitAt),
    updatedAt: new Date(),
  };
}

/**
 * Merges customer `fromId` into `keptId` in one transaction: contacts, contact history, communications,
 * todos, calls, caller identifications, invitations, feedback, memberships, consents, SMS recipients,
 * binding codes, mini-program identities and mobile claims move to the kept customer; its blank fields
 * are filled from the merged one; the merged customer is deleted (its id then answers 404). An open
 * invitation of both to the same event keeps the kept customer's; the merged one's is closed as
 * expired. Audited as `customer.merge` with what moved.
 */
export async function mergeCustomers(em: EntityManager, actor: Actor, keptId: string, fromId: string) {
  authorize(actor, 'customer:merge', '合并客户');
  if (keptId === fromId) throw new DomainError('VALIDATION_FAILED', '不能把客户合并到自己', { fields: [{ field: 'fromId', in: 'body', message: '不能与保留的客户相同' }] });
  const kept = await customerOrFail(em, keptId);
  const from = await customerOrFail(em, fromId);
  return em.transactional(async (tx) => {
    const moved: Record<string, number> = {};
    if (await tx.count(CustomerContactSchema, { customer: keptId, isPrimary: true })) {
      await tx.nativeUpdate(CustomerContactSchema, { customer: fromId }, { isPrimary: false });
    }
    const open = await tx.find(InvitationSchema, { customer: fromId, openKey: { $ne: null } }, { fields: ['id', 'event'], disableIdentityMap: true });
    for (const inv of open) {
      const key = `${keptId}|${inv.event.id}`;
      const clash = await tx.count(InvitationSchema, { openKey: key });
      await tx.nativeUpdate(InvitationSchema, { id: inv.id }, clash ? { openKey: null, status: 'expired' } : { openKey: key });
    }
    for (const [name, schema, property] of OWNED) {
      moved[name] = await tx.nativeUpdate(schema as never, { [property]: fromId } as never, { [property]: keptId } as never);
    }
    await tx.nativeUpdate(CustomerSchema, { id: keptId }, mergedFields(kept, from) as never);
    await tx.nativeDelete(CustomerSchema, { id: fromId });
    recordAudit(tx, { ...auditedBy(actor), action: 'customer.merge', targetType: 'customer', targetId: keptId, details: { fromId, fromName: from.name, moved } });
    await tx.flush();
    tx.clear();
    return { ...(await customerWithContacts(tx, keptId, actor)), mergedFrom: fromId, moved };
  });
}
