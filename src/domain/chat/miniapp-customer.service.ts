import type { EntityManager } from '@mikro-orm/core';
import { recordAudit } from '../audit/audit.service.js';
import { recordConsent } from '../compliance/consent-ledger.service.js';
import { consentOverview, recordCustomerChoice } from '../compliance/consent.service.js';
import { customerMobile } from '../customers/customer-mobile.js';
import { MemberSchema } from '../members/member.entity.js';
import { UpgradeHistorySchema } from '../members/upgrade-history.entity.js';
import type { FeedbackType } from '../outreach/customer-feedback.entity.js';
import { recordFeedback, type FeedbackDeps } from '../outreach/feedback.service.js';
import { InvitationSchema, type InvitationStatus } from '../outreach/invitation.entity.js';
import { DomainError } from '../shared/domain-error.js';
import type { ContactChannel } from '../shared/vocabulary.js';

/** Statuses in which a customer sees an invitation (drafts and pending ones are not theirs yet). */
const VISIBLE: InvitationStatus[] = ['sent', 'opened', 'accepted', 'declined', 'expired'];
const ANSWERABLE: InvitationStatus[] = ['sent', 'opened', 'accepted', 'declined'];
export type InvitationAnswer = 'interested' | 'maybe' | 'not_interested';
const STATUS_BY_ANSWER: Record<InvitationAnswer, InvitationStatus> = { interested: 'accepted', maybe: 'opened', not_interested: 'declined' };

export async function customerInvitations(em: EntityManager, customerId: string) {
  const rows = await em.find(InvitationSchema, { customer: customerId, status: { $in: VISIBLE } }, { orderBy: { eventDate: 'desc' }, limit: 50 });
  return rows.map((i) => ({
    id: i.id,
    eventName: i.eventName,
    eventDate: i.eventDate,
    content: i.content,
    incentive: i.incentive ?? null,
    status: i.status,
    response: i.response ?? null,
    respondedAt: i.respondedAt ?? null,
  }));
}

/** The customer's answer to one of their invitations; answering again changes the answer until the event. */
export async function answerInvitation(em: EntityManager, input: { customerId: string; invitationId: string; answer: InvitationAnswer; requestId?: string; now?: Date }) {
  const now = input.now ?? new Date();
  return em.transactional(async (tx) => {
    const inv = await tx.findOne(InvitationSchema, { id: input.invitationId, customer: input.customerId });
    if (!inv || !VISIBLE.includes(inv.status)) throw new DomainError('INVITATION_NOT_FOUND', `邀约 ${input.invitationId} 不存在`);
    if (!ANSWERABLE.includes(inv.status) || inv.eventDate <= now) throw new DomainError('INVITATION_CLOSED_CONFLICT', '该邀约已结束，不能再回复');
    tx.assign(inv, { response: input.answer, respondedAt: now, status: STATUS_BY_ANSWER[input.answer] });
    recordAudit(tx, { actorStaffId: null, action: 'invitation.answer', targetType: 'invitation', targetId: inv.id, channel: 'miniapp', requestId: input.requestId, details: { answer: input.answer, customerId: input.customerId } });
    return { id: inv.id, status: inv.status, response: input.answer, respondedAt: now };
  });
}

/**
 * Feedback a customer leaves in the mini-program: the same service as feedback staff enter (sentiment,
 * tags, an urgent task for a complaint, the owner notified); only the door and the actor differ.
 */
export async function leaveFeedback(
  em: EntityManager,
  deps: FeedbackDeps,
  input: { customerId: string; type: FeedbackType; rating?: number; content: string; invitationId?: string; requestId?: string },
) {
  if (input.invitationId && !(await em.count(InvitationSchema, { id: input.invitationId, customer: input.customerId }))) {
    throw new DomainError('INVITATION_NOT_FOUND', `邀约 ${input.invitationId} 不存在`);
  }
  const recorded = await recordFeedback(
    em,
    deps,
    { customerId: input.customerId, contactId: input.invitationId ? `INVITATION:${input.invitationId}`.slice(0, 50) : 'MINIAPP', type: input.type, rating: input.rating, content: input.content },
    { staffId: null, channel: 'miniapp', requestId: input.requestId },
  );
  return { id: recorded.id, type: recorded.type, followUpRequired: recorded.followUpRequired };
}

/** The customer stops contact through one channel (appends to the consent ledger by their number). */
export async function optOut(em: EntityManager, input: { customerId: string; channel: ContactChannel; reason?: string | null; requestId?: string }) {
  return em.transactional(async (tx) => {
    const mobile = await customerMobile(tx, input.customerId);
    if (!mobile) throw new DomainError('CUSTOMER_PHONE_MISSING_CONFLICT', '没有登记手机号，无需退订');
    recordConsent(tx, { phone: mobile, channel: input.channel, state: 'opted_out', source: 'miniapp', reason: input.reason ?? null, customerId: input.customerId }, { channel: 'miniapp', actorStaffId: null, requestId: input.requestId });
    return { channel: input.channel, state: 'opted_out' as const };
  });
}

/** The customer's own consent per channel (by the number they are reached on); no number: nothing to show. */
export async function myConsents(em: EntityManager, customerId: string) {
  const mobile = await customerMobile(em, customerId);
  if (!mobile) throw new DomainError('CUSTOMER_PHONE_MISSING_CONFLICT', '没有登记手机号，无法设置营销授权');
  const { channels } = await consentOverview(em, mobile);
  return { channels: channels.map(({ channel, state, since }) => ({ channel, state, since })) };
}

/** The customer grants or withdraws marketing consent on one channel, with the version of the text they saw. */
export async function setMyConsent(
  em: EntityManager,
  input: { customerId: string; identityId: number; channel: ContactChannel; choice: 'grant' | 'withdraw'; textVersion: string; requestId?: string },
) {
  const mobile = await customerMobile(em, input.customerId);
  if (!mobile) throw new DomainError('CUSTOMER_PHONE_MISSING_CONFLICT', '没有登记手机号，无法设置营销授权');
  const { channels } = await recordCustomerChoice(em, { ...input, phone: mobile });
  return { channels: channels.map(({ channel, state, since }) => ({ channel, state, since })) };
}

/** Membership tier, points and the rewards of every tier change. */
export async function tierAndRewards(em: EntityManager, customerId: string) {
  const members = await em.find(MemberSchema, { customer: customerId }, { orderBy: { joinedAt: 'asc' } });
  const history = members.length
    ? await em.find(UpgradeHistorySchema, { member: { $in: members.map((m) => m.id) } }, { orderBy: { createdAt: 'desc' }, limit: 50 })
    : [];
  return {
    memberships: members.map((m) => ({ memberId: m.id, tier: m.tier, points: m.points, status: m.status, joinedAt: m.joinedAt })),
    rewards: history.flatMap((h) => h.rewards.map((r) => ({ ...r, fromTier: h.fromTier ?? null, toTier: h.toTier, grantedAt: h.createdAt }))),
  };
}
