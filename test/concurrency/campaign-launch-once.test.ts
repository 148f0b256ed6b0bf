import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CampaignSchema } from '../../src/domain/campaigns/campaign.entity.js';
import { CampaignTrackingSchema } from '../../src/domain/campaigns/campaign-tracking.entity.js';
import { launchCampaign } from '../../src/domain/campaigns/campaign-launch.service.js';
import { CampaignDeliverySchema } from '../../src/domain/campaigns/campaign-delivery.entity.js';
import { CustomerSchema } from '../../src/domain/customers/customer.entity.js';
import { EventSchema } from '../../src/domain/events/event.entity.js';
import { InvitationSchema } from '../../src/domain/outreach/invitation.entity.js';
import { MemberSchema } from '../../src/domain/members/member.entity.js';
import { SmsBatchSchema } from '../../src/domain/outreach/sms-batch.entity.js';
import { SmsBatchRecipientSchema } from '../../src/domain/outreach/sms-batch-recipient.entity.js';
import { bootApp, type TestApp } from '../support/app.js';
import { CAMPAIGN_TEMPLATE } from '../campaigns/campaign-fixtures.js';

/**
 * A campaign is approved once and launched once (issue 10 §4) on MariaDB with real parallel connections:
 * 8 managers approve at the same moment through the HTTP door, then 10 launches run at once, each on its
 * own forked entity manager (its own pooled connection and transaction).
 */
const APPROVERS = 8;
const LAUNCHES = 10;

describe('a campaign launches once and draws its holdout once (MariaDB, concurrent approvals and launches)', () => {
  let t: TestApp;

  beforeAll(async () => {
    // Jobs off: the launch the approval queues does not run by itself; the test runs the launches.
    t = await bootApp('mysql', { JOBS_ENABLED: 'false', CAMPAIGN_LINK_BASE: 'https://s.example.cn/o/' });
  });
  afterAll(async () => t?.close());

  it('one approval wins, one launch runs: one tracking row per member, one holdout draw, one batch, one invitation per customer, one delivery per member and channel', async () => {
    const creator = await t.staffWithToken('manager', { name: '创建经理' });
    const managers = await Promise.all(Array.from({ length: APPROVERS }, (_, i) => t.staffWithToken('manager', { name: `审批经理${i}` })));
    const tpl = await t.call('POST', '/api/ai-ops/outreach/templates', {
      token: creator.token,
      json: CAMPAIGN_TEMPLATE,
    });
    expect(tpl.status).toBe(201);
    const owner = await t.staffWithToken('sales', { name: '客户经理' });
    const em = t.app.orm.em.fork();
    em.create(EventSchema, { id: 'EVENT_L', name: '会员答谢夜', eventDate: new Date(Date.now() + 7 * 86_400_000) });
    for (let i = 0; i < 40; i++) {
      const phone = `+861380003${String(i).padStart(4, '0')}`;
      const id = String(i).padStart(2, '0');
      // Every member a CRM customer with an owner, so each channel has something to do for each of them.
      em.create(CustomerSchema, { id: `CUST_L${id}`, name: `客户${id}`, segment: 'loyal', phone, phoneLast8: phone.slice(-8), ownerStaff: owner.id, tags: [] });
      em.create(MemberSchema, { id: `MEM_L${id}`, customer: `CUST_L${id}`, name: `会员${i}`, phone, phoneLast8: phone.slice(-8), tier: 'basic', segment: 'loyal', joinedAt: new Date('2025-01-01T00:00:00Z') });
    }
    await em.flush();
    const created = await t.call('POST', '/api/ai-ops/customer/campaign', { token: creator.token, json: { segment: 'loyal', type: 'gift', channel: ['sms', 'invitation', 'wecom'], eventId: 'EVENT_L' } });
    expect(created.status).toBe(201);
    const id = created.body.data.id as string;
    expect(created.body.data.audience).toMatchObject({ reachable: 40, holdout: 4, treated: 36 });

    const approvals = await Promise.all(managers.map((m) => t.call('POST', `/api/ai-ops/customer/campaigns/${id}/approve`, { token: m.token })));
    const won = approvals.filter((a) => a.status === 200);
    expect(won).toHaveLength(1);
    for (const lost of approvals.filter((a) => a.status !== 200)) expect([lost.status, lost.body.error]).toEqual([409, expect.any(String)]);
    const approved = await t.app.orm.em.fork().findOneOrFail(CampaignSchema, { id });
    expect(approved.status).toBe('approved');

    const deps = { clock: { now: () => new Date() }, jobs: t.app.jobQueue, linkSecret: t.app.config.auth.appSecret, linkBase: 'https://s.example.cn/o/', compliance: { timeZone: 'Asia/Shanghai', window: { start: '00:00', end: '24:00' } }, notifier: () => t.app.chatOps.notifier };
    const results = await Promise.all(Array.from({ length: LAUNCHES }, () => launchCampaign(() => t.app.orm.em.fork(), deps, id)));
    const launched = results.filter((r) => r.state === 'launched');
    expect(launched).toHaveLength(1);
    expect(launched[0]).toMatchObject({ treated: 36, holdout: 4 });
    expect(results.filter((r) => r.state === 'skipped')).toHaveLength(LAUNCHES - 1);

    const fresh = t.app.orm.em.fork();
    const rows = await fresh.find(CampaignTrackingSchema, { campaign: id });
    expect(rows).toHaveLength(40);
    expect(new Set(rows.map((r) => r.member.id)).size).toBe(40);
    expect(rows.filter((r) => r.holdout)).toHaveLength(4);
    const batches = await fresh.find(SmsBatchSchema, { campaign: id });
    expect(batches).toHaveLength(1);
    const recipients = await fresh.find(SmsBatchRecipientSchema, { batch: batches[0]!.id });
    expect(recipients).toHaveLength(36);
    const heldPhones = new Set(rows.filter((r) => r.holdout).map((r) => r.phone));
    expect(recipients.some((r) => heldPhones.has(r.phone))).toBe(false);
    // The other channels ran once too: one invitation per treated customer, one delivery row per member and channel.
    const invitations = await fresh.find(InvitationSchema, { campaign: id });
    expect(invitations).toHaveLength(36);
    expect(new Set(invitations.map((i) => i.customer.id)).size).toBe(36);
    const deliveries = await fresh.find(CampaignDeliverySchema, { campaign: id });
    expect(deliveries).toHaveLength(36 * 3);
    const heldMembers = new Set(rows.filter((r) => r.holdout).map((r) => r.member.id));
    expect(deliveries.some((d) => heldMembers.has(d.member.id))).toBe(false);
    expect((await fresh.findOneOrFail(CampaignSchema, { id })).status).toBe('running');
  });
});
