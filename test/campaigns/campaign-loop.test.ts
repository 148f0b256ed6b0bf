import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CampaignSchema } from '../../src/domain/campaigns/campaign.entity.js';
import { CAMPAIGN_TRACK_JOB } from '../../src/jobs/campaigns/campaign.jobs.js';
import { CampaignTrackingSchema } from '../../src/domain/campaigns/campaign-tracking.entity.js';
import { SmsBatchSchema } from '../../src/domain/outreach/sms-batch.entity.js';
import { recordConsent } from '../../src/domain/compliance/consent-ledger.service.js';
import { MemberSchema } from '../../src/domain/members/member.entity.js';
import { MemberVisitSchema } from '../../src/domain/members/member-visit.entity.js';
import type { TestApp } from '../support/app.js';
import { DIALECTS } from '../support/database.js';
import type { FakeWecom } from '../support/fake-wecom.js';
import { FakeTencentCloud } from '../support/fake-tencent-cloud.js';
import { waitFor } from '../support/wait-for.js';
import { addOutsider, bootCampaignApp, CAMPAIGN_TEMPLATE, LINK_BASE, stopCampaignApp } from './campaign-fixtures.js';

const CALLBACK = 'cb-token-campaigns-0123456789';

/**
 * Issue 10 §4 end to end: a campaign for the regular segment is created, approved in chat, launched with
 * a random 10 % holdout, sent through the local Tencent fake (one SMS per member with their own signed
 * link), receipts arrive, members open and claim their offers, some visit — and the performance shows
 * the funnel, revenue, cost, ROI of the treated group only, and the uplift against the holdout.
 */
describe.each(DIALECTS)('segment campaign loop (%s)', (dialect) => {
  const fake = new FakeTencentCloud();
  let wecom: FakeWecom;
  let t: TestApp;
  let creator: { id: number; token: string };
  let sales: { id: number; token: string };
  const phoneOf = (i: number) => `+86138000020${String(i).padStart(2, '0')}`;

  beforeAll(async () => {
    ({ t, wecom } = await bootCampaignApp(dialect, fake, CALLBACK));
    creator = await t.staffWithToken('manager', { name: '创建经理', wecomUserId: 'mgrA' });
    await t.staffWithToken('manager', { name: '审批经理', wecomUserId: 'mgrB' });
    sales = await t.staffWithToken('sales');
    const tpl = await t.call('POST', '/api/ai-ops/outreach/templates', {
      token: creator.token,
      json: CAMPAIGN_TEMPLATE,
    });
    expect(tpl.status).toBe(201);
    const em = t.app.orm.em.fork();
    for (let i = 0; i < 20; i++) {
      em.create(MemberSchema, { id: `MEM_R${String(i).padStart(2, '0')}`, name: `会员${i}`, phone: phoneOf(i), phoneLast8: phoneOf(i).slice(-8), tier: 'basic', segment: 'regular', joinedAt: new Date('2025-01-01T00:00:00Z') });
      recordConsent(em, { phone: phoneOf(i), channel: 'sms', state: 'granted', source: 'test' });
    }
    em.create(MemberSchema, { id: 'MEM_R_NOPHONE', name: '无号码', tier: 'basic', segment: 'regular', joinedAt: new Date('2025-01-01T00:00:00Z') });
    addOutsider(em);
    await em.flush();
  });
  afterAll(() => stopCampaignApp(t, wecom, fake));

  it('runs from creation through chat approval, SMS, receipts, opens and visits to ROI with the holdout excluded', async () => {
    expect((await t.call('POST', '/api/ai-ops/customer/campaign', { token: sales.token, json: { segment: 'regular' } })).body).toMatchObject({ code: 403, error: 'FORBIDDEN' });
    expect((await t.call('POST', '/api/ai-ops/customer/campaign', { token: creator.token, json: { segment: 'gold' } })).body).toMatchObject({ code: 422, error: 'VALIDATION_FAILED' });

    const created = await t.call('POST', '/api/ai-ops/customer/campaign', { token: creator.token, json: { segment: 'regular' } });
    expect(created.status).toBe(201);
    const c = created.body.data;
    expect(c).toMatchObject({
      segment: 'regular',
      type: 'discount',
      status: 'pending_approval',
      contentSource: 'template',
      audience: { members: 21, reachable: 20, unreachable: 1, holdout: 2, treated: 18, holdoutPercent: 10 },
      channelMix: [{ channel: 'sms', members: 18, share: 100 }],
      estimatedCostFen: 18 * 5 + Math.round(18 * 0.15 * 3000),
      expectedRoi: 150,
      roiBasis: 'prior',
    });
    expect(c.content).toContain(c.offer);
    expect(c.content).toContain(LINK_BASE);

    // The approval card reaches the other manager (not the creator); they approve by chat.
    await waitFor(() => wecom.sent.find((m) => m.touser === 'mgrB' && m.msgtype === 'template_card'), 'approval card');
    expect(wecom.sent.some((m) => m.touser === 'mgrA' && m.msgtype === 'template_card')).toBe(false);
    const answer = await t.app.chatOps.router.handleText({ channel: 'wecom', senderId: 'mgrB' }, `批准 ${c.id}`);
    expect(answer).toContain('已批准');

    // Launch: 2 of 20 held out at random, one batch of 18 SMS, one request each with the member's own link.
    await waitFor(async () => (await t.app.orm.em.fork().count(SmsBatchSchema, { campaign: c.id, status: 'completed' })) === 1, 'the campaign batch sent', 60_000);
    const tracking = await t.app.orm.em.fork().find(CampaignTrackingSchema, { campaign: c.id }, { orderBy: { id: 'asc' } });
    expect(tracking).toHaveLength(20);
    const held = tracking.filter((r) => r.holdout);
    const treated = tracking.filter((r) => !r.holdout);
    expect(held).toHaveLength(2);
    const sends = fake.requests.filter((r) => r.action === 'SendSms');
    expect(sends).toHaveLength(18);
    const sentPhones = sends.flatMap((r) => r.phones);
    for (const h of held) expect(sentPhones).not.toContain(h.phone);
    const links = sends.map((r) => r.params![2]!);
    expect(new Set(links).size).toBe(18);
    expect(links.every((l) => l.startsWith(LINK_BASE))).toBe(true);
    expect(sends[0]!.params![1]).toBe(c.offer);
    // One batch for the campaign, its 18 recipients each with their own parameters.
    const batches = await t.app.orm.em.fork().find(SmsBatchSchema, { campaign: c.id });
    expect(batches.map((b) => [b.totalCount, b.status])).toEqual([[18, 'completed']]);

    // Carrier receipts for 10 of them.
    const delivered = sends.slice(0, 10).map((r) => r.outcomes![0]!);
    const receipt = delivered.map((o) => ({ user_receive_time: '2026-11-30 12:00:00', nationcode: '86', mobile: o.phone.replace('+86', ''), report_status: 'SUCCESS', errmsg: 'DELIVRD', description: '用户短信送达成功', sid: o.serialNo }));
    expect((await t.call('POST', `/callbacks/tencent/sms/${CALLBACK}/receipt`, { json: receipt })).status).toBe(200);

    // Five open their link, three of them claim the offer (twice: counted once); a tampered link is refused.
    const tokenOf = (phone: string) => sends.find((r) => r.phones[0] === phone)!.params![2]!.slice(LINK_BASE.length);
    const openers = treated.slice(0, 5);
    for (const o of openers) expect((await t.call('GET', `/api/miniapp/offers/${tokenOf(o.phone!)}`)).status).toBe(200);
    for (const o of openers.slice(0, 3)) {
      const claimed = await t.call('POST', `/api/miniapp/offers/${tokenOf(o.phone!)}/claim`);
      expect(claimed.body.data).toMatchObject({ campaignId: c.id, offer: c.offer, claimed: true });
      await t.call('POST', `/api/miniapp/offers/${tokenOf(o.phone!)}/claim`);
    }
    const forged = tokenOf(openers[0]!.phone!).replace(/^[0-9a-z]+/, (id) => (Number.parseInt(id, 36) + 1).toString(36));
    expect((await t.call('GET', `/api/miniapp/offers/${forged}`)).body).toMatchObject({ code: 404, error: 'OFFER_NOT_FOUND' });

    // Visits: four treated members (¥200 each) and one holdout member (¥100) inside the window;
    // a treated member's visit before the campaign started does not count.
    const em = t.app.orm.em.fork();
    const soon = new Date(Date.now() + 60_000);
    for (const r of treated.slice(0, 4)) em.create(MemberVisitSchema, { member: r.member.id, visitedAt: soon, spendingFen: 20_000 });
    em.create(MemberVisitSchema, { member: treated[5]!.member.id, visitedAt: new Date(Date.now() - 86_400_000), spendingFen: 50_000 });
    em.create(MemberVisitSchema, { member: held[0]!.member.id, visitedAt: soon, spendingFen: 10_000 });
    await em.flush();

    // A read only reads: the visits count once the minutely tracking job has run (seed §5.2: within a minute).
    const performance = () => t.call('GET', `/api/ai-ops/customer/performance?campaignId=${c.id}`, { token: creator.token });
    const stale = await performance();
    expect(stale.status).toBe(200);
    expect(stale.body.data).toMatchObject({ converted: 0, revenueFen: 0, holdout: { converted: 0 } });
    await t.app.jobQueue.enqueue(CAMPAIGN_TRACK_JOB, {});
    const perf = await waitFor(async () => {
      const r = await performance();
      return r.body.data.converted === 4 && r.body.data.holdout.converted === 1 ? r : undefined;
    }, 'the tracking job counted the visits', 20_000);
    const cost = 18 * 5 + 4 * 3000;
    expect(perf.body.data).toMatchObject({
      campaignId: c.id,
      status: 'running',
      audience: 18,
      sent: 18,
      delivered: 10,
      opened: 5,
      clicked: 3,
      converted: 4,
      revenueFen: 80_000,
      costFen: cost,
      roi: Math.round(((80_000 - cost) / cost) * 10_000) / 100,
      responseRate: 27.78,
      conversionRate: 22.22,
      holdout: { members: 2, converted: 1, conversionRate: 50, revenueFen: 10_000 },
      uplift: -27.78,
    });
    const rows = await t.app.orm.em.fork().find(CampaignTrackingSchema, { campaign: c.id, status: 'converted' });
    expect(rows).toHaveLength(4);
    expect(rows.every((r) => r.revenueFen === 20_000 && r.costFen === 5 + 3000)).toBe(true);
    expect((await t.call('GET', '/api/ai-ops/customer/performance?campaignId=NOPE', { token: creator.token })).body).toMatchObject({ code: 404, error: 'CAMPAIGN_NOT_FOUND' });

    // The next campaign for the segment expects what this one returned.
    const next = await t.call('POST', '/api/ai-ops/customer/campaign', { token: creator.token, json: { segment: 'regular', type: 'gift' } });
    expect(next.body.data).toMatchObject({ type: 'gift', roiBasis: 'history', expectedRoi: perf.body.data.roi });
    expect((await t.call('POST', `/api/ai-ops/customer/campaigns/${next.body.data.id}/reject`, { token: creator.token, json: { reason: '预算不足' } })).body).toMatchObject({ code: 403, error: 'APPROVAL_SELF_FORBIDDEN' });
    expect((await t.app.orm.em.fork().findOneOrFail(CampaignSchema, { id: c.id })).startedAt).toBeInstanceOf(Date);
  });
});
