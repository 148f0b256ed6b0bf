import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ownerNoteRef } from '../../src/domain/campaigns/campaign-channels.launch.js';
import { CampaignDeliverySchema } from '../../src/domain/campaigns/campaign-delivery.entity.js';
import { recordConsent } from '../../src/domain/compliance/consent-ledger.service.js';
import { CustomerSchema } from '../../src/domain/customers/customer.entity.js';
import { MemberSchema } from '../../src/domain/members/member.entity.js';
import { NotificationOutboxSchema } from '../../src/domain/notifications/notification-outbox.entity.js';
import { CAMPAIGN_TRACK_JOB } from '../../src/jobs/campaigns/campaign.jobs.js';
import type { TestApp } from '../support/app.js';
import { DIALECTS } from '../support/database.js';
import type { FakeWecom } from '../support/fake-wecom.js';
import { FakeTencentCloud } from '../support/fake-tencent-cloud.js';
import { waitFor } from '../support/wait-for.js';
import { bootCampaignApp, CAMPAIGN_TEMPLATE, stopCampaignApp } from './campaign-fixtures.js';

/**
 * Issue 10 §4, the WeCom channel: a campaign's note to each owner goes through the notification outbox,
 * and the members' WeCom deliveries follow the outbox row — sent when WeCom took the note, failed with the
 * outbox's reason when WeCom refused it (81013: the owner is not a member WeCom knows) — so the
 * performance counts them as they went.
 */
describe.each(DIALECTS)('campaign WeCom deliveries follow the outbox (%s)', (dialect) => {
  const fake = new FakeTencentCloud();
  let wecom: FakeWecom;
  let t: TestApp;
  let creator: { id: number; token: string };
  let approver: { id: number; token: string };
  let reachable: { id: number; token: string };
  let gone: { id: number; token: string };
  const phoneOf = (i: number) => `+86138000400${String(i).padStart(2, '0')}`;

  beforeAll(async () => {
    ({ t, wecom } = await bootCampaignApp(dialect, fake, 'cb-token-campaign-wecom-0123456'));
    creator = await t.staffWithToken('manager', { name: '创建经理', wecomUserId: 'mgrW1' });
    approver = await t.staffWithToken('manager', { name: '审批经理', wecomUserId: 'mgrW2' });
    reachable = await t.staffWithToken('sales', { name: '在职销售', wecomUserId: 'ownerOk' });
    gone = await t.staffWithToken('sales', { name: '已离开企业微信', wecomUserId: 'ownerGone' });
    wecom.unknownUsers.add('ownerGone');
    expect((await t.call('POST', '/api/ai-ops/outreach/templates', { token: creator.token, json: CAMPAIGN_TEMPLATE })).status).toBe(201);
    const em = t.app.orm.em.fork();
    for (let i = 0; i < 10; i++) {
      const id = String(i).padStart(2, '0');
      const phone = phoneOf(i);
      em.create(CustomerSchema, { id: `CUST_W${id}`, name: `客户${id}`, segment: 'loyal', phone, phoneLast8: phone.slice(-8), ownerStaff: i < 5 ? reachable.id : gone.id, tags: [] });
      em.create(MemberSchema, { id: `MEM_W${id}`, customer: `CUST_W${id}`, name: `会员${id}`, phone, phoneLast8: phone.slice(-8), tier: 'basic', segment: 'loyal', joinedAt: new Date('2025-01-01T00:00:00Z') });
      recordConsent(em, { phone, channel: 'wechat', state: 'granted', source: 'test' });
    }
    await em.flush();
  });
  afterAll(() => stopCampaignApp(t, wecom, fake));

  it('a note WeCom delivered makes its deliveries sent; a note WeCom refused (81013) makes them failed with the reason', async () => {
    const created = await t.call('POST', '/api/ai-ops/customer/campaign', { token: creator.token, json: { segment: 'loyal', channel: ['wecom'] } });
    expect(created.status).toBe(201);
    const c = created.body.data;
    expect((await t.call('POST', `/api/ai-ops/customer/campaigns/${c.id}/approve`, { token: approver.token })).status).toBe(200);

    const fresh = () => t.app.orm.em.fork();
    const notes = await waitFor(async () => {
      const rows = await fresh().find(NotificationOutboxSchema, { ref: { $in: [ownerNoteRef(c.id, reachable.id), ownerNoteRef(c.id, gone.id)] } }, { orderBy: { id: 'asc' } });
      return rows.length === 2 && rows.every((r) => r.status !== 'pending') ? rows : undefined;
    }, 'both owner notes settled by the deliverer', 60_000);
    const noteOf = (staffId: number) => notes.find((n) => n.staffId === staffId)!;
    expect(noteOf(reachable.id)).toMatchObject({ status: 'sent', transport: 'wecom' });
    expect(noteOf(gone.id).status).toBe('failed');
    expect(noteOf(gone.id).lastError).toContain('81013');
    expect(wecom.sent.filter((m) => m.touser === 'ownerOk' && JSON.stringify(m).includes(c.name))).toHaveLength(1);
    expect(wecom.sent.some((m) => m.touser === 'ownerGone')).toBe(false);

    await t.app.jobQueue.enqueue(CAMPAIGN_TRACK_JOB, {});
    const perf = await waitFor(async () => {
      const r = await t.call('GET', `/api/ai-ops/customer/performance?campaignId=${c.id}`, { token: creator.token });
      return r.body.data.channels[0].queued === 0 ? r.body.data : undefined;
    }, 'the tracking job followed the outbox', 60_000);

    const deliveries = await fresh().find(CampaignDeliverySchema, { campaign: c.id, channel: 'wecom' }, { populate: ['member'] });
    const treated = deliveries.length;
    expect(treated).toBe(c.audience.treated);
    const ofOwner = (staffId: number) => deliveries.filter((d) => d.ref === ownerNoteRef(c.id, staffId));
    expect(ofOwner(reachable.id).length + ofOwner(gone.id).length).toBe(treated);
    for (const d of ofOwner(reachable.id)) expect([d.member.id, d.status, d.reason ?? null, d.sentAt !== null]).toEqual([d.member.id, 'sent', null, true]);
    for (const d of ofOwner(gone.id)) {
      expect([d.member.id, d.status]).toEqual([d.member.id, 'failed']);
      expect(d.reason).toContain('81013');
    }
    const wecomFigures = perf.channels[0];
    expect(wecomFigures).toMatchObject({ channel: 'wecom', members: treated, queued: 0, sent: ofOwner(reachable.id).length, failed: ofOwner(gone.id).length });
    expect(Object.keys(wecomFigures.failedByReason)).toHaveLength(1);
    expect(Object.keys(wecomFigures.failedByReason)[0]).toContain('81013');
  });
});
