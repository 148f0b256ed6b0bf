import { randomBytes } from 'node:crypto';
import { UniqueConstraintViolationException, type EntityManager } from '@mikro-orm/core';
import { authorize, type Actor } from '../auth/actor.js';
import { auditedBy } from '../auth/staff-actor.js';
import { isVip } from '../customers/customer-standing.js';
import { EventSchema } from '../events/event.entity.js';
import { audienceText, type AudienceFilter } from '../customers/audience.js';
import { audienceCustomerIds } from '../customers/audience.query.js';
import { localParts } from '../shared/business-time.js';
import type { CustomerSegment } from '../shared/vocabulary.js';
import { DomainError } from '../shared/domain-error.js';
import { recordAudit } from '../audit/audit.service.js';
import type { ApprovalService } from '../approvals/approval.service.js';
import type { Notifier } from '../ports/notifier.port.js';
import { InvitationSchema, type Invitation } from './invitation.entity.js';
import { invitationOffer } from './invitation-offer.policy.js';
import { requireCustomer } from './outreach-customer.js';

/** Invitations go out by SMS with this template: {1} name, {2} event, {3} time, {4} incentive. */
export type InvitationSettings = { smsTemplateCode: string; timeZone: string };

/** What the creation answers: the invitation, not the customer row behind it. */
export function invitationView(inv: Invitation) {
  return {
    id: inv.id,
    customerId: inv.customer.id,
    eventId: inv.event.id,
    eventName: inv.eventName,
    eventDate: inv.eventDate,
    channel: inv.channel,
    content: inv.content,
    incentive: inv.incentive ?? null,
    status: inv.status,
    createdBy: inv.createdBy ?? null,
    approvedBy: inv.approvedBy ?? null,
    sentAt: inv.sentAt ?? null,
    failureReason: inv.failureReason ?? null,
    failedAt: inv.failedAt ?? null,
    createdAt: inv.createdAt,
  };
}

export const openKey = (customerId: string, eventId: string) => `${customerId}|${eventId}`;

type InvitedCustomer = { id: string; name: string; segment?: CustomerSegment | null; level?: string | null };
type InvitingEvent = { id: string; name: string; eventDate: Date };

/**
 * A new invitation for a customer and an event: its id, content, incentive and channel by the customer's
 * segment (invitationOffer), and the open key that holds one open invitation per customer and event.
 * Single submissions and campaign launches both build it here.
 */
export function newInvitation(customer: InvitedCustomer, event: InvitingEvent, timeZone: string, now: Date) {
  const offer = invitationOffer({ segment: customer.segment ?? null, isVip: isVip({ segment: customer.segment, level: customer.level }), name: customer.name, eventName: event.name, eventDate: event.eventDate, timeZone });
  return {
    id: `INV-${localParts(now, timeZone).date.replaceAll('-', '')}-${randomBytes(4).toString('hex')}`,
    customer: customer.id,
    event: event.id,
    eventName: event.name,
    eventDate: event.eventDate,
    content: offer.content,
    incentive: offer.incentive,
    channel: offer.channel,
    openKey: openKey(customer.id, event.id),
  };
}

/**
 * Generates an invitation for a customer and an event (content, incentive and channel by segment) and
 * submits it for a manager's approval; nothing is sent before that. One open invitation per customer and
 * event, held by a unique key: of concurrent submissions one is created, the others get INVITATION_EXISTS.
 */
export async function createInvitation(
  em: EntityManager,
  actor: Actor,
  input: { customerId: string; eventId: string },
  settings: InvitationSettings,
  approvers?: { approvals: ApprovalService; notifier: Notifier },
  now = new Date(),
): Promise<ReturnType<typeof invitationView>> {
  authorize(actor, 'outreach:invitation:create', '创建邀约');
  const customer = await requireCustomer(em, input.customerId);
  const event = await em.findOne(EventSchema, { id: input.eventId });
  if (!event) throw new DomainError('EVENT_NOT_FOUND', `活动 ${input.eventId} 不存在`, { eventId: input.eventId });
  if (event.eventDate <= now) throw new DomainError('EVENT_PAST_CONFLICT', `活动 ${event.name} 已经开始或结束，不能再邀约`);
  const key = openKey(customer.id, event.id);
  const exists = () => new DomainError('INVITATION_EXISTS', `客户 ${customer.id} 已有活动 ${event.id} 的邀约`, { customerId: customer.id, eventId: event.id });
  if ((await em.count(InvitationSchema, { openKey: key })) > 0) throw exists();
  let created: Invitation;
  try {
    created = await em.transactional(async (tx) => {
      const row = newInvitation(customer, event, settings.timeZone, now);
      const id = row.id;
      const invitation = tx.create(InvitationSchema, { ...row, status: 'pending_approval', createdBy: actor.staffId });
      recordAudit(tx, { ...auditedBy(actor), action: 'invitation.submit', targetType: 'invitation', targetId: id, details: { customerId: customer.id, eventId: event.id, channel: row.channel } });
      // Managers' approval cards go into the outbox in this transaction: committed with the submission, sent by a job.
      if (approvers) {
        await tx.flush();
        await approvers.approvals.notifyApprovers(tx, approvers.notifier, 'invitation', id, true);
      }
      return invitation;
    });
  } catch (err) {
    // A concurrent submission for the same customer and event committed first.
    if (err instanceof UniqueConstraintViolationException) throw exists();
    throw err;
  }
  approvers?.approvals.changed();
  approvers?.notifier.deliverSoon?.();
  return invitationView(created);
}

/** Customers one audience submission invites at most: each invitation is approved on its own card. */
export const MAX_AUDIENCE_INVITATIONS = 100;

/**
 * Invitations for an audience (issue 10 §3: segments and tags are audiences): the audience's CRM customers
 * (at most MAX_AUDIENCE_INVITATIONS; a larger audience belongs in a campaign with the invitation channel,
 * approved once) each get an invitation through createInvitation — the same content rules, one open
 * invitation per customer and event, each submitted for a manager's approval. Customers who already have
 * an open invitation to the event are listed as skipped.
 */
export async function inviteAudience(
  em: EntityManager,
  actor: Actor,
  input: { eventId: string; filter: AudienceFilter },
  settings: InvitationSettings,
  approvers?: { approvals: ApprovalService; notifier: Notifier },
  now = new Date(),
) {
  authorize(actor, 'outreach:invitation:create', '创建邀约');
  if (!(await em.count(EventSchema, { id: input.eventId }))) throw new DomainError('EVENT_NOT_FOUND', `活动 ${input.eventId} 不存在`, { eventId: input.eventId });
  const customerIds = await audienceCustomerIds(em, input.filter, now, MAX_AUDIENCE_INVITATIONS);
  if (customerIds.length === 0) throw new DomainError('INVITATION_AUDIENCE_EMPTY', `筛选条件（${audienceText(input.filter)}）下没有客户`, { filter: input.filter });
  if (customerIds.length > MAX_AUDIENCE_INVITATIONS) {
    throw new DomainError('INVITATION_AUDIENCE_TOO_LARGE', `筛选条件下超过 ${MAX_AUDIENCE_INVITATIONS} 位客户：请缩小条件，或用营销活动的邀约渠道（一次审批）`, { max: MAX_AUDIENCE_INVITATIONS });
  }
  const invitations: Array<ReturnType<typeof invitationView>> = [];
  const skipped: Array<{ customerId: string; reason: 'INVITATION_EXISTS' }> = [];
  for (const customerId of customerIds) {
    try {
      invitations.push(await createInvitation(em, actor, { customerId, eventId: input.eventId }, settings, approvers, now));
    } catch (err) {
      if (!(err instanceof DomainError && err.code === 'INVITATION_EXISTS')) throw err;
      skipped.push({ customerId, reason: 'INVITATION_EXISTS' });
    }
  }
  return { eventId: input.eventId, created: invitations.length, invitations, skipped };
}

/** Counts and rates of one event's invitations (seed 000 §6.3 trackInvitationPerformance). */
export async function invitationPerformance(em: EntityManager, eventId: string) {
  const event = await em.findOne(EventSchema, { id: eventId });
  if (!event) throw new DomainError('EVENT_NOT_FOUND', `活动 ${eventId} 不存在`, { eventId });
  const rows = await em.find(InvitationSchema, { event: eventId }, { fields: ['status', 'response', 'channel'], disableIdentityMap: true });
  const byStatus: Record<string, number> = {};
  const byResponse: Record<string, number> = { interested: 0, maybe: 0, not_interested: 0 };
  const byChannel: Record<string, number> = {};
  for (const r of rows) {
    byStatus[r.status] = (byStatus[r.status] ?? 0) + 1;
    if (r.response) byResponse[r.response] = (byResponse[r.response] ?? 0) + 1;
    byChannel[r.channel] = (byChannel[r.channel] ?? 0) + 1;
  }
  const reached = ['sent', 'opened', 'accepted', 'declined', 'expired'].reduce((n, s) => n + (byStatus[s] ?? 0), 0);
  const responded = byResponse.interested! + byResponse.maybe! + byResponse.not_interested!;
  const rate = (part: number) => (reached === 0 ? 0 : Math.round((part / reached) * 1000) / 10);
  return {
    eventId: event.id,
    eventName: event.name,
    total: rows.length,
    pendingApproval: byStatus.pending_approval ?? 0,
    rejected: byStatus.rejected ?? 0,
    failed: byStatus.failed ?? 0,
    sent: reached,
    accepted: byStatus.accepted ?? 0,
    declined: byStatus.declined ?? 0,
    responses: byResponse,
    byChannel,
    responseRate: rate(responded),
    acceptanceRate: rate(byStatus.accepted ?? 0),
  };
}

