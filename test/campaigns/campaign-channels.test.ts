import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ownerNoteRef } from '../../src/domain/campaigns/campaign-channels.launch.js';
import { CampaignDeliverySchema } from '../../src/domain/campaigns/campaign-delivery.entity.js';
import { CampaignTrackingSchema } from '../../src/domain/campaigns/campaign-tracking.entity.js';
import { recordConsent } from '../../src/domain/compliance/consent-ledger.service.js';
import { CustomerSchema } from '../../src/domain/customers/customer.entity.js';
import { CustomerContactSchema } from '../../src/domain/customers/customer-contact.entity.js';
import { EventSchema } from '../../src/domain/events/event.entity.js';
import { MemberSchema } from '../../src/domain/members/member.entity.js';
import { NotificationOutboxSchema } from '../../src/domain/notifications/notification-outbox.entity.js';
import { InvitationSchema } from '../../src/domain/outreach/invitation.entity.js';
import { SmsBatchSchema } from '../../src/domain/outreach/sms-batch.entity.js';
import { maskPhone } from '../../src/domain/shared/phone.js';
import { CAMPAIGN_TRACK_JOB } from '../../src/jobs/campaigns/campaign.jobs.js';
import type { TestApp } from '../support/app.js';
import { DIALECTS } from '../support/database.js';
import type { FakeWecom } from '../support/fake-wecom.js';
import { FakeTencentCloud } from '../support/fake-tencent-cloud.js';
import { waitFor } from '../support/wait-for.js';
import { addOutsider, bootCampaignApp, CAMPAIGN_TEMPLATE, stopCampaignApp } from './campaign-fixtures.js';

/** What each member's number has in the consent ledger (SMS and WeChat alike). */
type Standing = 'consent' | 'none' | 'blacklisted' | 'opted_out';
const REASON: Record<Exclude<Standing, 'consent'>, string> = { none: 'NO_CONSENT', blacklisted: 'BLACKLISTED', opted_out: 'OPTED_OUT' };

/**
 * Issue 10 §3–§4: a gift campaign for the potential segment runs through its whole channel mix — the SMS
 * batch, event invitations and a WeCom note to the customers' owner — each with compliance. 20 members:
 * 11 with marketing consent, 3 without any, 3 blacklisted, 3 opted out (3 of each, so a holdout of 2
 * cannot hide a kind). Members refused by compliance are skipped with their reason on every channel,
 * receive nothing, and show in the deliveries and the performance; holdout members get nothing at all.
 */
describe.each(DIALECTS)('campaign channel mix with compliance (%s)', (dialect) => {
  const fake = new FakeTencentCloud();
  let wecom: FakeWecom;
  let t: TestApp;
  let creator: { id: number; token: string };
  let approver: { id: number; token: string };
  let owner: { id: number; token: string };
  const phoneOf = (i: number) => `+86138000300${String(i).padStart(2, '0')}`;
  const standing = (i: number): Standing => (i < 11 ? 'consent' : i < 14 ? 'none' : i < 17 ? 'blacklisted' : 'opted_out');

  beforeAll(async () => {
    ({ t, wecom } = await bootCampaignApp(dialect, fake, 'cb-token-campaign-channels-01234'));
    creator = await t.staffWithToken('manager', { name: '创建经理', wecomUserId: 'mgrC' });
    approver = await t.staffWithToken('manager', { name: '审批经理', wecomUserId: 'mgrD' });
    owner = await t.staffWithToken('sales', { name: '客户经理', wecomUserId: 'ownerS' });
    for (const json of [
      CAMPAIGN_TEMPLATE,
      { code: 'TPL_INVITE', name: '邀约', category: 'marketing', vendorTemplateId: '100010', content: '{1}您好，诚邀您参加{3}的「{2}」，凭此邀约享{4}。', paramNames: ['name', 'event', 'time', 'incentive'] },
    ]) expect((await t.call('POST', '/api/ai-ops/outreach/templates', { token: creator.token, json })).status).toBe(201);
    const em = t.app.orm.em.fork();
    em.create(EventSchema, { id: 'EVENT_GIFT', name: '精酿品鉴夜', eventDate: new Date(Date.now() + 7 * 86_400_000) });
    em.create(EventSchema, { id: 'EVENT_NEXT', name: '新品发布', eventDate: new Date(Date.now() + 14 * 86_400_000) });
    for (let i = 0; i < 20; i++) {
      const id = String(i).padStart(2, '0');
      const phone = phoneOf(i);
      em.create(CustomerSchema, { id: `CUST_P${id}`, name: `客户${id}`, segment: 'potential', phone, phoneLast8: phone.slice(-8), ownerStaff: owner.id, tags: [] });
      em.create(CustomerContactSchema, { customer: `CUST_P${id}`, name: `客户${id}`, mobile: phone, mobileLast8: phone.slice(-8), isPrimary: true });
      em.create(MemberSchema, { id: `MEM_P${id}`, customer: `CUST_P${id}`, name: `会员${id}`, phone, phoneLast8: phone.slice(-8), tier: 'basic', segment: 'potential', joinedAt: new Date('2025-01-01T00:00:00Z') });
      const s = standing(i);
      if (s !== 'none') for (const channel of ['sms', 'wechat'] as const) recordConsent(em, { phone, channel, state: s === 'consent' ? 'granted' : s, source: 'test' });
    }
    // Another segment's member: never in this audience.
    addOutsider(em);
    await em.flush();
  });
  afterAll(() => stopCampaignApp(t, wecom, fake));

  it('refuses unknown segments, tags and channels, and a channel mix that does not fit, naming every problem', async () => {
    const bad = await t.call('POST', '/api/ai-ops/customer/campaign', { token: creator.token, json: { segment: 'gold', tags: ['beer_lover', 'whisky_lover'], channel: ['sms', 'fax'] } });
    expect(bad.body).toMatchObject({ code: 422, error: 'VALIDATION_FAILED' });
    const fields = bad.body.details.fields as Array<{ field: string; message: string }>;
    expect(fields.map((f) => f.field).sort()).toEqual(['channel', 'segment', 'tags.1']);
    expect(fields.find((f) => f.field === 'segment')!.message).toContain('未知的客户分层「gold」');
    expect(fields.find((f) => f.field === 'tags.1')!.message).toContain('未知的会员标签「whisky_lover」');

    const mix = await t.call('POST', '/api/ai-ops/customer/campaign', { token: creator.token, json: { segment: 'regular', channel: 'invitation' } });
    expect(mix.body).toMatchObject({ code: 422, error: 'CAMPAIGN_CHANNELS_INVALID' });
    expect((mix.body.details.fields as Array<{ field: string }>).map((f) => f.field).sort()).toEqual(['channel', 'eventId']);

    const batch = await t.call('POST', '/api/ai-ops/outreach/sms/batch', { token: creator.token, json: { templateId: 'TPL_CAMPAIGN', params: ['a', 'b', 'c'], filter: { segment: ['potential', 'platinum'], tags: ['nope'] } } });
    expect(batch.body).toMatchObject({ code: 422, error: 'VALIDATION_FAILED' });
    expect((batch.body.details.fields as Array<{ field: string }>).map((f) => f.field).sort()).toEqual(['filter.segment', 'filter.tags.0']);

    const invites = await t.call('POST', '/api/ai-ops/outreach/invitations/audience', { token: creator.token, json: { eventId: 'EVENT_NEXT', filter: { tags: ['dormant', 'sleepy'], lastVisitDays: 0 } } });
    expect(invites.body).toMatchObject({ code: 422, error: 'VALIDATION_FAILED' });
    expect((invites.body.details.fields as Array<{ field: string }>).map((f) => f.field).sort()).toEqual(['filter.lastVisitDays', 'filter.tags.1']);
    expect((await t.call('POST', '/api/ai-ops/outreach/invitations/audience', { token: creator.token, json: { eventId: 'EVENT_NEXT', filter: {} } })).body).toMatchObject({ code: 422, error: 'VALIDATION_FAILED' });
  });

  it('sends SMS, invitations and the owner note to consenting treated members only; skips the rest with the reason; holds out the holdout', async () => {
    const created = await t.call('POST', '/api/ai-ops/customer/campaign', { token: creator.token, json: { segment: 'potential', channel: ['sms', 'invitation', 'wecom'], eventId: 'EVENT_GIFT' } });
    expect(created.status).toBe(201);
    const c = created.body.data;
    expect(c).toMatchObject({
      type: 'gift',
      eventId: 'EVENT_GIFT',
      filter: { segments: ['potential'], tags: [], lastVisitDays: null },
      audience: { members: 20, reachable: 20, holdout: 2, treated: 18 },
      channelMix: [
        { channel: 'sms', members: 18, share: 100 },
        { channel: 'invitation', members: 18, share: 100 },
        { channel: 'wecom', members: 18, share: 100 },
      ],
    });
    // The managers' approval card names the event as staff know it, not by its code.
    const card = await waitFor(() => wecom.sent.find((m) => m.msgtype === 'template_card' && JSON.stringify(m.template_card).includes(c.name)), 'the approval card', 30_000);
    expect(card.template_card.horizontal_content_list).toEqual(expect.arrayContaining([{ keyname: '邀约活动', value: '精酿品鉴夜' }]));
    expect(JSON.stringify(card.template_card)).not.toContain('EVENT_GIFT');
    expect((await t.call('POST', `/api/ai-ops/customer/campaigns/${c.id}/approve`, { token: approver.token })).status).toBe(200);

    const fresh = () => t.app.orm.em.fork();
    await waitFor(async () => (await fresh().count(SmsBatchSchema, { campaign: c.id, status: 'completed' })) === 1, 'the campaign batch sent', 60_000);
    const tracking = await fresh().find(CampaignTrackingSchema, { campaign: c.id });
    expect(tracking).toHaveLength(20);
    const held = new Set(tracking.filter((r) => r.holdout).map((r) => r.member.id));
    expect(held.size).toBe(2);
    const index = (memberId: string) => Number(memberId.slice(-2));
    const treated = tracking.filter((r) => !r.holdout).map((r) => index(r.member.id));
    const consenting = treated.filter((i) => standing(i) === 'consent');
    const refused = treated.filter((i) => standing(i) !== 'consent');
    // Every kind of refusal is among the treated (3 of each, only 2 held out).
    expect(new Set(refused.map(standing))).toEqual(new Set(['none', 'blacklisted', 'opted_out']));

    // The invitations the campaign made (approved by the campaign's approval) are settled by the send job.
    const invitations = await waitFor(async () => {
      const rows = await fresh().find(InvitationSchema, { event: 'EVENT_GIFT' });
      return rows.length === 18 && rows.every((r) => r.status === 'sent' || r.status === 'failed') ? rows : undefined;
    }, 'the campaign invitations sent or refused', 60_000);
    expect(invitations.every((r) => r.approvedBy === approver.id)).toBe(true);
    const note = await waitFor(() => wecom.sent.find((m) => m.touser === 'ownerS' && JSON.stringify(m).includes(c.name)), 'the owner note', 30_000);

    // Nothing at all reached a holdout member or a refused member: no SMS, no invitation, not in the note.
    const smsPhones = fake.requests.filter((r) => r.action === 'SendSms').flatMap((r) => r.phones);
    const noteText = JSON.stringify(note);
    const inviteOf = new Map(invitations.map((r) => [r.customer.id, r]));
    for (let i = 0; i < 20; i++) {
      const id = String(i).padStart(2, '0');
      const reached = !held.has(`MEM_P${id}`) && standing(i) === 'consent';
      expect([i, smsPhones.filter((p) => p === phoneOf(i)).length]).toEqual([i, reached ? 2 : 0]); // the offer SMS and the invitation SMS
      expect([i, noteText.includes(maskPhone(phoneOf(i)))]).toEqual([i, reached]);
      const invitation = inviteOf.get(`CUST_P${id}`);
      if (held.has(`MEM_P${id}`)) expect([i, invitation]).toEqual([i, undefined]);
      else expect([i, invitation!.status, invitation!.failureReason ?? null]).toEqual([i, reached ? 'sent' : 'failed', reached ? null : REASON[standing(i) as Exclude<Standing, 'consent'>]]);
    }

    // The tracking refresh brings each channel's outcome into the deliveries and the performance (the
    // owner note's once the deliverer has settled its outbox row).
    await waitFor(async () => (await fresh().count(NotificationOutboxSchema, { ref: ownerNoteRef(c.id, owner.id), status: 'sent' })) === 1, 'the owner note settled', 30_000);
    await t.app.jobQueue.enqueue(CAMPAIGN_TRACK_JOB, {});
    const perf = await waitFor(async () => {
      const r = await t.call('GET', `/api/ai-ops/customer/performance?campaignId=${c.id}`, { token: creator.token });
      return r.body.data.sent === consenting.length && r.body.data.channels[1].queued === 0 && r.body.data.channels[2].queued === 0 ? r.body.data : undefined;
    }, 'the tracking job counted the channels', 30_000);
    const byReason = (kinds: Standing[], reasonOf: (s: Standing) => string) => {
      const out: Record<string, number> = {};
      for (const i of refused) if (kinds.includes(standing(i))) out[reasonOf(standing(i))] = (out[reasonOf(standing(i))] ?? 0) + 1;
      return out;
    };
    const complianceReason = (s: Standing) => REASON[s as Exclude<Standing, 'consent'>];
    expect(perf).toMatchObject({
      audience: 18,
      sent: consenting.length,
      skipped: refused.length,
      holdout: { members: 2 },
      channels: [
        { channel: 'sms', members: 18, sent: consenting.length, skipped: refused.length, skippedByReason: byReason(['none', 'blacklisted', 'opted_out'], complianceReason) },
        { channel: 'invitation', members: 18, sent: consenting.length, skipped: refused.length, skippedByReason: byReason(['none', 'blacklisted', 'opted_out'], complianceReason) },
        { channel: 'wecom', members: 18, sent: consenting.length, skipped: refused.length, skippedByReason: byReason(['none', 'blacklisted', 'opted_out'], complianceReason) },
      ],
    });
    const deliveries = await fresh().find(CampaignDeliverySchema, { campaign: c.id });
    expect(deliveries).toHaveLength(18 * 3);
    expect(deliveries.some((d) => held.has(d.member.id))).toBe(false);
    for (const d of deliveries) {
      const s = standing(index(d.member.id));
      expect([d.member.id, d.channel, d.status, d.reason ?? null]).toEqual([d.member.id, d.channel, s === 'consent' ? 'sent' : 'skipped', s === 'consent' ? null : complianceReason(s)]);
    }
    // Cost: the offer SMS and the SMS invitation of each consenting member.
    expect(perf.costFen).toBe(consenting.length * 2 * 5);
  });

  it('invites an audience by segment: one invitation per customer, each for approval; customers with an open one are skipped', async () => {
    const r = await t.call('POST', '/api/ai-ops/outreach/invitations/audience', { token: creator.token, json: { eventId: 'EVENT_NEXT', filter: { segment: 'potential' } } });
    expect(r.status).toBe(201);
    expect(r.body.data).toMatchObject({ eventId: 'EVENT_NEXT', created: 20, skipped: [] });
    expect(r.body.data.invitations.every((i: { status: string }) => i.status === 'pending_approval')).toBe(true);
    const again = await t.call('POST', '/api/ai-ops/outreach/invitations/audience', { token: creator.token, json: { eventId: 'EVENT_NEXT', filter: { segment: ['potential', 'VIP'] } } });
    expect(again.body.data).toMatchObject({ created: 0 });
    expect(again.body.data.skipped).toHaveLength(20);
    expect((await t.call('POST', '/api/ai-ops/outreach/invitations/audience', { token: creator.token, json: { eventId: 'EVENT_NEXT', filter: { segment: 'new' } } })).body).toMatchObject({ code: 422, error: 'INVITATION_AUDIENCE_EMPTY' });
  });
});
