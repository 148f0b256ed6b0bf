import { randomBytes } from 'node:crypto';
import { UniqueConstraintViolationException, type EntityManager } from '@mikro-orm/core';
import { authorize, type Actor } from '../auth/actor.js';
import { auditedBy } from '../auth/staff-actor.js';
import { checkCompliance } from '../compliance/compliance.service.js';
import { customerMobile } from '../customers/customer-mobile.js';
import { isVip } from '../customers/customer-standing.js';
import { EventSchema } from '../events/event.entity.js';
import { localParts } from '../shared/business-time.js';
import { DomainError } from '../shared/domain-error.js';
import { recordAudit } from '../audit/audit.service.js';
import type { ApprovalService } from '../approvals/approval.service.js';
import type { Notifier } from '../ports/notifier.port.js';
import { ContactHistorySchema } from './contact-history.entity.js';
import { InvitationSchema, type Invitation } from './invitation.entity.js';
import { invitationOffer } from './invitation-offer.policy.js';
import { placeOutreachCall } from './outreach-call.service.js';
import { requireCustomer } from './outreach-customer.js';
import type { OutreachDeps } from './outreach-deps.js';
import { sendSms } from './sms-send.service.js';

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
    createdAt: inv.createdAt,
  };
}

const openKey = (customerId: string, eventId: string) => `${customerId}|${eventId}`;

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
  const offer = invitationOffer({ segment: customer.segment ?? null, isVip: isVip({ segment: customer.segment, level: customer.level }), name: customer.name, eventName: event.name, eventDate: event.eventDate, timeZone: settings.timeZone });
  let created: Invitation;
  try {
    created = await em.transactional(async (tx) => {
      const id = `INV-${localParts(now, settings.timeZone).date.replaceAll('-', '')}-${randomBytes(4).toString('hex')}`;
      const invitation = tx.create(InvitationSchema, {
        id,
        customer: customer.id,
        event: event.id,
        eventName: event.name,
        eventDate: event.eventDate,
        content: offer.content,
        incentive: offer.incentive,
        channel: offer.channel,
        status: 'pending_approval',
        openKey: key,
        createdBy: actor.staffId,
      });
      recordAudit(tx, { ...auditedBy(actor), action: 'invitation.submit', targetType: 'invitation', targetId: id, details: { customerId: customer.id, eventId: event.id, channel: offer.channel } });
      return invitation;
    });
  } catch (err) {
    // A concurrent submission for the same customer and event committed first.
    if (err instanceof UniqueConstraintViolationException) throw exists();
    throw err;
  }
  // Managers get the approval card once the submission is committed; delivery problems do not undo it.
  if (approvers) await approvers.approvals.notifyApprovers(em, approvers.notifier, 'invitation', created.id);
  return invitationView(created);
}

export type InvitationSendResult = { state: 'sent' | 'not_approved' | 'refused' | 'deferred' | 'failed'; until?: Date; reason?: string };

/**
 * The send job's work for an approved invitation, through its channel: SMS (template, compliance again),
 * phone (voice port) or WeChat (shown in the customer's mini-program). Sent once: only `approved` moves.
 */
export async function sendApprovedInvitation(em: EntityManager, deps: OutreachDeps, settings: InvitationSettings, invitationId: string): Promise<InvitationSendResult> {
  const inv = await em.findOne(InvitationSchema, { id: invitationId });
  if (!inv) return { state: 'not_approved', reason: 'missing' };
  if (inv.status !== 'approved') return { state: 'not_approved', reason: inv.status };
  const customer = await requireCustomer(em, inv.customer.id);
  const mobile = await customerMobile(em, customer.id);
  if (!mobile) return fail(em, inv, 'NO_MOBILE');
  const now = deps.clock.now();
  // One compliance decision for every channel, taken here: a deferral reschedules this job (only this one).
  const dryRun = (inv.channel === 'sms' ? deps.sms.dryRun : inv.channel === 'call' ? deps.voice.dryRun : false) ?? false;
  const [check] = await checkCompliance(em, { phones: [mobile], channel: inv.channel, purpose: 'marketing', subjectType: 'invitation', subjectIds: [inv.id], dryRun }, deps.compliance, now);
  const verdict = check!.verdict;
  if (verdict.kind === 'defer') {
    await em.flush();
    return { state: 'deferred', until: verdict.until };
  }
  if (verdict.kind === 'refuse') return fail(em, inv, verdict.reason);
  try {
    if (inv.channel === 'sms') {
      const local = localParts(inv.eventDate, settings.timeZone);
      const params = [customer.name, inv.eventName, `${Number(local.date.slice(5, 7))}月${Number(local.date.slice(8, 10))}日 ${local.hhmm}`, inv.incentive ?? ''];
      const res = await sendSms(em, deps, { phoneNumber: mobile, templateCode: settings.smsTemplateCode, params, customerId: customer.id, historyType: 'invitation', staffId: inv.approvedBy ?? null });
      // sent, unknown (maybe sent) and retrying/deferred (queued as an SMS job) are all on their way.
      if (res.status === 'failed') return fail(em, inv, res.error ?? 'SMS_FAILED');
    } else if (inv.channel === 'call') {
      const res = await placeOutreachCall(em, deps, { phoneNumber: mobile, scriptId: inv.id, scriptContent: inv.content, customerId: customer.id, historyType: 'invitation', staffId: inv.approvedBy ?? null }, { queueIfDeferred: false });
      if (res.status === 'deferred') return { state: 'deferred', until: res.deferredUntil };
      if (res.status !== 'initiated') return fail(em, inv, res.error ?? res.status);
    } else {
      em.create(ContactHistorySchema, { customer: customer.id, phone: check!.e164, phoneLast8: check!.e164?.slice(-8) ?? null, channel: inv.channel, type: 'invitation', content: inv.content, status: 'sent', result: 'shown in the mini-program', createdBy: inv.approvedBy ?? null });
    }
  } catch (err) {
    if (err instanceof DomainError) return fail(em, inv, err.code);
    throw err;
  }
  Object.assign(inv, { status: 'sent', sentAt: now });
  await em.flush();
  return { state: 'sent' };
}

async function fail(em: EntityManager, inv: Invitation, reason: string): Promise<InvitationSendResult> {
  recordAudit(em, { actorStaffId: null, action: 'invitation.send_failed', targetType: 'invitation', targetId: inv.id, channel: 'job', details: { reason, channel: inv.channel } });
  await em.flush();
  return { state: reason === 'OPTED_OUT' || reason.startsWith('RECIPIENT_') || reason === 'NO_CONSENT' ? 'refused' : 'failed', reason };
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
    sent: reached,
    accepted: byStatus.accepted ?? 0,
    declined: byStatus.declined ?? 0,
    responses: byResponse,
    byChannel,
    responseRate: rate(responded),
    acceptanceRate: rate(byStatus.accepted ?? 0),
  };
}

