import type { EntityManager } from '@mikro-orm/core';
import { checkCompliance } from '../compliance/compliance.service.js';
import type { AudienceMember } from '../customers/audience.query.js';
import { CustomerSchema } from '../customers/customer.entity.js';
import { EventSchema } from '../events/event.entity.js';
import type { TransactionNotices } from '../notifications/notices.js';
import { InvitationSchema } from '../outreach/invitation.entity.js';
import { newInvitation, openKey } from '../outreach/invitation.service.js';
import { SmsBatchSchema } from '../outreach/sms-batch.entity.js';
import { SmsBatchRecipientSchema } from '../outreach/sms-batch-recipient.entity.js';
import { smsContent } from '../outreach/sms-send.service.js';
import { templateByCode } from '../outreach/sms-template.service.js';
import { maskPhone } from '../shared/phone.js';
import type { Campaign, CampaignChannel } from './campaign.entity.js';
import { CampaignDeliverySchema, type DeliveryStatus } from './campaign-delivery.entity.js';
import type { LaunchDeps } from './campaign-launch.service.js';
import { offerToken } from './offer-link.js';

/** A treated member of a launching campaign, with its tracking row (the offer link is signed on its id). */
export type TreatedMember = AudienceMember & { trackingId: number };

type Delivery = { member: string; status: DeliveryStatus; reason?: string | null; ref?: string | null; sentAt?: Date | null };

const CHUNK = 1000;
/** Customers listed in one owner's WeCom note; the rest are counted. */
const NOTE_LINES = 30;

async function recordDeliveries(tx: EntityManager, campaignId: string, channel: CampaignChannel, rows: Delivery[], now: Date): Promise<void> {
  for (let i = 0; i < rows.length; i += CHUNK) {
    await tx.insertMany(
      CampaignDeliverySchema,
      rows.slice(i, i + CHUNK).map((d) => ({ campaign: campaignId, member: d.member, channel, status: d.status, reason: d.reason ?? null, ref: d.ref ?? null, sentAt: d.sentAt ?? null, createdAt: now, updatedAt: now })),
    );
  }
}

/**
 * The SMS channel: one batch for the campaign, sent by the outreach batch worker (compliance, quiet hours,
 * receipts). Each member's link is their own, so each recipient carries its parameters (the worker sends
 * one carrier request per parameter set); the batch's own parameters show the shared part.
 */
export async function sendSmsBatch(tx: EntityManager, campaign: Campaign, treated: TreatedMember[], deps: LaunchDeps, now: Date): Promise<number> {
  const template = await templateByCode(tx, campaign.smsTemplateCode ?? '', { activeOnly: true });
  const batch = tx.create(SmsBatchSchema, {
    status: 'sending',
    category: template.category,
    template: template.id,
    message: smsContent(template, ['尊敬的会员', campaign.offer ?? '', `${deps.linkBase}…`]),
    params: [],
    audience: { kind: 'campaign', campaignId: campaign.id, segment: campaign.segment, members: treated.length },
    campaign: campaign.id,
    totalCount: treated.length,
    createdBy: campaign.createdBy ?? null,
    approvedBy: campaign.approvedBy ?? null,
    approvedAt: campaign.approvedAt ?? null,
  });
  await tx.flush();
  for (let i = 0; i < treated.length; i += CHUNK) {
    await tx.insertMany(
      SmsBatchRecipientSchema,
      treated.slice(i, i + CHUNK).map((m) => {
        const params = [m.name, campaign.offer ?? '', `${deps.linkBase}${offerToken(deps.linkSecret, m.trackingId)}`];
        return { batch: batch.id, phone: m.phone, phoneLast8: m.phone.slice(-8), customer: m.customerId, params, status: 'pending' as const, createdAt: now, updatedAt: now };
      }),
    );
  }
  await recordDeliveries(tx, campaign.id, 'sms', treated.map((m) => ({ member: m.id, status: 'queued', ref: m.phone })), now);
  return batch.id;
}

/**
 * The invitation channel (gift campaigns with an event): one invitation per CRM customer among the treated
 * members, built by the invitation service (content, incentive and channel by segment) and created
 * `approved` — the campaign's approval covers them: the manager approved this audience, offer and event
 * on the campaign card, with the campaign approval permission — then sent by the invitation send job, which
 * takes the compliance decision for the invitation's channel (a refusal fails the invitation with its
 * reason). A customer who already has an open invitation to the event keeps it (INVITATION_EXISTS); a
 * member who is not a CRM customer gets none (NO_CUSTOMER). Returns the invitations to send.
 */
export async function inviteCustomers(tx: EntityManager, campaign: Campaign, treated: TreatedMember[], deps: LaunchDeps, now: Date): Promise<string[]> {
  const event = campaign.event ? await tx.findOne(EventSchema, { id: campaign.event.id }, { disableIdentityMap: true }) : null;
  const deliveries: Delivery[] = [];
  const created: Array<ReturnType<typeof newInvitation>> = [];
  const invitedCustomer = new Map<string, string>();
  const customerIds = [...new Set(treated.flatMap((m) => (m.customerId ? [m.customerId] : [])))];
  const customers = new Map<string, { id: string; name: string; segment?: Campaign['segment'] | null; level?: string | null }>();
  const open = new Map<string, string>();
  for (let i = 0; i < customerIds.length; i += CHUNK) {
    const ids = customerIds.slice(i, i + CHUNK);
    for (const c of await tx.find(CustomerSchema, { id: { $in: ids } }, { fields: ['id', 'name', 'segment', 'level'], disableIdentityMap: true })) customers.set(c.id, c);
    if (event) {
      const keys = ids.map((id) => openKey(id, event.id));
      for (const inv of await tx.find(InvitationSchema, { openKey: { $in: keys } }, { fields: ['id', 'customer'], disableIdentityMap: true })) open.set(inv.customer.id, inv.id);
    }
  }
  for (const m of treated) {
    const customer = m.customerId ? customers.get(m.customerId) : undefined;
    if (!event) deliveries.push({ member: m.id, status: 'skipped', reason: 'NO_EVENT' });
    else if (!customer) deliveries.push({ member: m.id, status: 'skipped', reason: 'NO_CUSTOMER' });
    else if (open.has(customer.id)) deliveries.push({ member: m.id, status: 'skipped', reason: 'INVITATION_EXISTS', ref: open.get(customer.id)! });
    else if (invitedCustomer.has(customer.id)) deliveries.push({ member: m.id, status: 'skipped', reason: 'SAME_CUSTOMER', ref: invitedCustomer.get(customer.id)! });
    else {
      const row = newInvitation(customer, event, deps.compliance.timeZone, now);
      created.push(row);
      invitedCustomer.set(customer.id, row.id);
      deliveries.push({ member: m.id, status: 'queued', ref: row.id });
    }
  }
  for (let i = 0; i < created.length; i += CHUNK) {
    await tx.insertMany(
      InvitationSchema,
      created.slice(i, i + CHUNK).map((row) => ({ ...row, campaign: campaign.id, status: 'approved' as const, createdBy: campaign.createdBy ?? null, approvedBy: campaign.approvedBy ?? null, approvedAt: campaign.approvedAt ?? now, createdAt: now, updatedAt: now })),
    );
  }
  await recordDeliveries(tx, campaign.id, 'invitation', deliveries, now);
  return created.map((r) => r.id);
}

/** The ref a campaign's note to one owner carries on its outbox row and on the members' WeCom deliveries. */
export const ownerNoteRef = (campaignId: string, staffId: number) => `campaign:${campaignId}:staff:${staffId}`;

/**
 * The WeCom channel: each owner gets one note (`notices`: the outbox writes it in this transaction, a
 * transport that sends at once sends it after the commit — the caller's `notices.afterCommit()`)
 * listing their customers among the treated members — name, masked number, the offer — to follow up in
 * person. A personal WeCom contact is marketing too, so each member first passes the compliance rules for
 * the WeChat channel: a refused member (NO_CONSENT, OPTED_OUT, BLACKLISTED…) is left off the note and
 * recorded as skipped with the reason; a member outside the marketing hours is listed (the owner follows
 * up later). A member without an owner: NO_OWNER. The members' deliveries stay `queued` until the outbox
 * delivers the note: they carry its ref (`ownerNoteRef`), and the tracking refresh makes them `sent` or
 * `failed` with the outbox's reason. Returns the number of notes.
 */
export async function noteOwners(tx: EntityManager, campaign: Campaign, treated: TreatedMember[], deps: LaunchDeps, notices: TransactionNotices, now: Date): Promise<number> {
  const owned = treated.filter((m) => m.ownerStaffId !== null);
  const deliveries: Delivery[] = treated.filter((m) => m.ownerStaffId === null).map((m) => ({ member: m.id, status: 'skipped', reason: 'NO_OWNER' }));
  const verdicts = owned.length
    ? await checkCompliance(tx, { phones: owned.map((m) => m.phone), channel: 'wechat', purpose: 'marketing', subjectType: 'campaign', subjectIds: owned.map(() => campaign.id) }, deps.compliance, now)
    : [];
  const byOwner = new Map<number, TreatedMember[]>();
  owned.forEach((m, i) => {
    const verdict = verdicts[i]!.verdict;
    if (verdict.kind === 'refuse') deliveries.push({ member: m.id, status: 'skipped', reason: verdict.reason });
    else byOwner.set(m.ownerStaffId!, [...(byOwner.get(m.ownerStaffId!) ?? []), m]);
  });
  for (const [staffId, members] of byOwner) {
    const lines = members.slice(0, NOTE_LINES).map((m) => `· ${m.name} ${maskPhone(m.phone)}`);
    if (members.length > NOTE_LINES) lines.push(`……等共 ${members.length} 位`);
    const text = `你负责的 ${members.length} 位客户在营销活动「${campaign.name}」中，优惠：${campaign.offer ?? '见活动'}。请在营销时段内跟进：\n${lines.join('\n')}`;
    const ref = ownerNoteRef(campaign.id, staffId);
    const result = await notices.add(tx, { staffId, notification: { kind: 'text', title: `营销活动跟进：${campaign.name}`, text }, ref });
    // Queued in the outbox: the tracking refresh follows the outbox row (sent, or failed with the reason).
    const delivery: Omit<Delivery, 'member'> = result && !result.ok ? { status: 'failed', reason: result.reason.slice(0, 64), ref } : { status: 'queued', ref };
    for (const m of members) deliveries.push({ member: m.id, ...delivery });
  }
  await recordDeliveries(tx, campaign.id, 'wecom', deliveries, now);
  return byOwner.size;
}
