import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { campaignPerformance, refreshTracking } from '../../src/domain/campaigns/campaign-performance.query.js';
import { CampaignSchema } from '../../src/domain/campaigns/campaign.entity.js';
import { CampaignDeliverySchema } from '../../src/domain/campaigns/campaign-delivery.entity.js';
import { CampaignTrackingSchema } from '../../src/domain/campaigns/campaign-tracking.entity.js';
import { MemberSchema } from '../../src/domain/members/member.entity.js';
import { SmsBatchSchema } from '../../src/domain/outreach/sms-batch.entity.js';
import { SmsBatchRecipientSchema } from '../../src/domain/outreach/sms-batch-recipient.entity.js';
import { connectOrm, type Orm } from '../../src/db/orm.js';
import { createTestDatabase, DIALECTS, type TestDatabase } from '../support/database.js';

/**
 * The campaign-deliveries backfill: a campaign launched before channel deliveries existed (tracking rows
 * and one SMS batch, no delivery rows) gets an `sms` delivery per treated member with a number, so the
 * tracking refresh — which reads a member's send from the deliveries — still counts what its batch sent.
 */
describe.each(DIALECTS)('migration campaign_deliveries_backfill with a running campaign (%s)', (dialect) => {
  let db: TestDatabase;
  let orm: Orm;
  const at = new Date(Date.now() - 3_600_000);

  beforeAll(async () => {
    db = await createTestDatabase(dialect);
    orm = await connectOrm(db.target);
    const pending = (await orm.migrator.getPending()).map((m) => m.name);
    const mine = pending.findIndex((n) => n.endsWith('_campaign_deliveries_backfill'));
    expect(mine).toBeGreaterThan(0);
    await orm.migrator.up({ to: pending[mine - 1]! });

    const em = orm.em.fork();
    em.create(CampaignSchema, { id: 'CAMP_OLD', name: '普通客户·折扣回馈', segment: 'regular', type: 'discount', channel: 'sms', status: 'running', content: 'x', startedAt: at, incentiveFen: 3000 });
    const phones = ['+8613800001001', '+8613800001002', '+8613800001003'] as const;
    phones.forEach((phone, i) => em.create(MemberSchema, { id: `MEM_${i}`, name: `会员${i}`, phone, phoneLast8: phone.slice(-8), tier: 'basic', segment: 'regular', joinedAt: at }));
    em.create(MemberSchema, { id: 'MEM_HELD', name: '对照', phone: '+8613800001009', phoneLast8: '00001009', tier: 'basic', segment: 'regular', joinedAt: at });
    await em.flush();
    for (const [member, phone, holdout] of [['MEM_0', phones[0], false], ['MEM_1', phones[1], false], ['MEM_2', phones[2], false], ['MEM_HELD', '+8613800001009', true]] as const) {
      em.create(CampaignTrackingSchema, { campaign: 'CAMP_OLD', member, phone, holdout, revenueFen: 0, costFen: 0 });
    }
    const batch = em.create(SmsBatchSchema, { status: 'completed', campaign: 'CAMP_OLD', totalCount: 3 });
    await em.flush();
    em.create(SmsBatchRecipientSchema, { batch, phone: phones[0], phoneLast8: phones[0].slice(-8), status: 'delivered', sentAt: at, deliveredAt: at });
    em.create(SmsBatchRecipientSchema, { batch, phone: phones[1], phoneLast8: phones[1].slice(-8), status: 'sent', sentAt: at });
    em.create(SmsBatchRecipientSchema, { batch, phone: phones[2], phoneLast8: phones[2].slice(-8), status: 'skipped', reason: 'NO_CONSENT' });
    await em.flush();

    await orm.migrator.up();
  });
  afterAll(async () => {
    await orm?.close(true);
    await db?.drop();
  });

  it('gives each treated member an sms delivery, none to the holdout, and the refresh keeps counting the old batch', async () => {
    const em = orm.em.fork();
    const rows = await em.find(CampaignDeliverySchema, { campaign: 'CAMP_OLD' }, { orderBy: { member: 'asc' } });
    expect(rows.map((r) => [r.member.id, r.channel, r.status])).toEqual([['MEM_0', 'sms', 'queued'], ['MEM_1', 'sms', 'queued'], ['MEM_2', 'sms', 'queued']]);

    const campaign = await em.findOneOrFail(CampaignSchema, { id: 'CAMP_OLD' });
    await refreshTracking(em, campaign, 5);
    expect(await campaignPerformance(orm.em.fork(), 'CAMP_OLD')).toMatchObject({
      sent: 2,
      delivered: 1,
      skipped: 1,
      costFen: 10,
      channels: [{ channel: 'sms', members: 3, sent: 2, delivered: 1, skipped: 1, skippedByReason: { NO_CONSENT: 1 } }],
      holdout: { members: 1 },
    });
  });
});
