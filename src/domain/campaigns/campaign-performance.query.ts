import type { EntityManager } from '@mikro-orm/core';
import { DomainError } from '../shared/domain-error.js';
import type { CustomerSegment } from '../shared/vocabulary.js';
import { percent, roiPercent } from './campaign-plan.policy.js';
import { CampaignSchema, type Campaign } from './campaign.entity.js';

const DAY = 86_400_000;
type Num = number | string | null;

/** Revenue and cost of the treated members of this segment's campaigns that ran (the ROI history). */
export async function pastSegmentTotals(em: EntityManager, segment: CustomerSegment): Promise<{ revenueFen: number; costFen: number }> {
  const [row] = await em.getConnection().execute<Array<{ revenue: Num; cost: Num }>>(
    `select coalesce(sum(t.revenue_fen), 0) as revenue, coalesce(sum(t.cost_fen), 0) as cost
       from campaign_tracking t join campaigns c on c.id = t.campaign_id
      where c.segment = ? and c.status in ('running', 'completed') and t.holdout = ?`,
    [segment, 0],
  );
  return { revenueFen: Number(row?.revenue ?? 0), costFen: Number(row?.cost ?? 0) };
}

/** The attribution window of a launched campaign: from launch to launch + attribution days. */
export function attributionWindow(c: Pick<Campaign, 'startedAt' | 'attributionDays'>): { from: Date; to: Date } | null {
  return c.startedAt ? { from: c.startedAt, to: new Date(c.startedAt.getTime() + c.attributionDays * DAY) } : null;
}

/**
 * Brings one campaign's tracking rows up to date in set-based statements (no per-member loop): send and
 * delivery times from its SMS batch's recipients (carrier receipts), conversion = the member's first visit
 * in the attribution window (treated members only once their SMS went out), revenue = that visit's spend,
 * cost = the message (treated members sent one) plus the incentive for a treated member who converted,
 * and the furthest stage reached. Run every minute for running campaigns (job `campaign.track`), so the
 * figures a performance read shows are at most a minute behind a receipt or a visit; reads only read.
 */
export async function refreshTracking(em: EntityManager, campaign: Campaign, smsCostFen: number): Promise<void> {
  const window = attributionWindow(campaign);
  if (!window) return;
  // One transaction: a performance read sees the campaign before or after a refresh, never half of one.
  await em.transactional((tx) => refreshStatements(tx, campaign, window, smsCostFen));
}

async function refreshStatements(em: EntityManager, campaign: Campaign, window: { from: Date; to: Date }, smsCostFen: number): Promise<void> {
  const conn = em.getConnection();
  const batch = `(select b.id from sms_batches b where b.campaign_id = campaign_tracking.campaign_id)`;
  await conn.execute(
    `update campaign_tracking set
       sent_at = (select coalesce(r.sent_at, r.delivered_at, r.updated_at) from sms_batch_recipients r
                   where r.batch_id in ${batch} and r.phone = campaign_tracking.phone and r.status in ('sent', 'delivered')),
       delivered_at = (select r.delivered_at from sms_batch_recipients r
                   where r.batch_id in ${batch} and r.phone = campaign_tracking.phone and r.status = 'delivered')
     where campaign_id = ? and holdout = ? and phone is not null`,
    [campaign.id, 0],
    'run',
    em.getTransactionContext(),
  );
  await conn.execute(
    `update campaign_tracking set converted_at = (
       select min(v.visited_at) from member_visits v
        where v.member_id = campaign_tracking.member_id and v.visited_at > ? and v.visited_at <= ?)
     where campaign_id = ? and converted_at is null and (holdout = ? or sent_at is not null)`,
    [window.from, window.to, campaign.id, 1],
    'run',
    em.getTransactionContext(),
  );
  await conn.execute(
    `update campaign_tracking set
       revenue_fen = coalesce((select sum(v.spending_fen) from member_visits v
                                where v.member_id = campaign_tracking.member_id and v.visited_at = campaign_tracking.converted_at), 0),
       cost_fen = (case when sent_at is not null then ? else 0 end) + (case when converted_at is not null and holdout = ? then ? else 0 end),
       status = case
         when holdout = ? then null
         when converted_at is not null then 'converted'
         when clicked_at is not null then 'clicked'
         when opened_at is not null then 'opened'
         when delivered_at is not null then 'delivered'
         when sent_at is not null then 'sent'
         else null end
     where campaign_id = ?`,
    [smsCostFen, 0, campaign.incentiveFen, 1, campaign.id],
    'run',
    em.getTransactionContext(),
  );
}

type GroupFigures = { members: number; sent: number; delivered: number; opened: number; clicked: number; converted: number; revenueFen: number; costFen: number };

/**
 * Seed §4.4 trackCampaignPerformance: the treated group's funnel, revenue, cost, ROI %, response rate
 * (opened or clicked / sent) and conversion rate (converted / sent), and the holdout's own figures with the
 * uplift (treated conversion rate − holdout conversion rate, in percentage points). ROI counts the treated
 * group only: the holdout was sent nothing and cost nothing. Reads the tracking rows as the minutely
 * refresh left them (refreshTracking); it computes nothing itself.
 */
export async function campaignPerformance(em: EntityManager, campaignId: string) {
  const campaign = await em.findOne(CampaignSchema, { id: campaignId }, { disableIdentityMap: true });
  if (!campaign) throw new DomainError('CAMPAIGN_NOT_FOUND', `营销活动 ${campaignId} 不存在`);
  type Row = Record<keyof GroupFigures, Num> & { holdout: Num };
  const rows: Row[] = await em.getConnection().execute<Row[]>(
    `select holdout, count(*) as members,
            sum(case when sent_at is not null then 1 else 0 end) as sent,
            sum(case when delivered_at is not null then 1 else 0 end) as delivered,
            sum(case when opened_at is not null or clicked_at is not null then 1 else 0 end) as opened,
            sum(case when clicked_at is not null then 1 else 0 end) as clicked,
            sum(case when converted_at is not null then 1 else 0 end) as converted,
            coalesce(sum(revenue_fen), 0) as revenueFen, coalesce(sum(cost_fen), 0) as costFen
       from campaign_tracking where campaign_id = ? group by holdout`,
    [campaignId],
  );
  const empty: GroupFigures = { members: 0, sent: 0, delivered: 0, opened: 0, clicked: 0, converted: 0, revenueFen: 0, costFen: 0 };
  const figures = (holdout: boolean): GroupFigures => {
    const r = rows.find((x: Row) => Boolean(Number(x.holdout)) === holdout);
    if (!r) return { ...empty };
    const n = (v: Num | undefined) => Number(v ?? 0);
    return { members: n(r.members), sent: n(r.sent), delivered: n(r.delivered), opened: n(r.opened), clicked: n(r.clicked), converted: n(r.converted), revenueFen: n(r.revenueFen), costFen: n(r.costFen) };
  };
  const treated = figures(false);
  const control = figures(true);
  const conversionRate = percent(treated.converted, treated.sent);
  const holdoutConversionRate = percent(control.converted, control.members);
  const window = attributionWindow(campaign);
  return {
    campaignId,
    name: campaign.name,
    segment: campaign.segment,
    status: campaign.status,
    startedAt: campaign.startedAt ?? null,
    attributionEndsAt: window?.to ?? null,
    audience: treated.members,
    sent: treated.sent,
    delivered: treated.delivered,
    opened: treated.opened,
    clicked: treated.clicked,
    converted: treated.converted,
    revenueFen: treated.revenueFen,
    costFen: treated.costFen,
    roi: roiPercent(treated.revenueFen, treated.costFen),
    responseRate: percent(treated.opened, treated.sent),
    conversionRate,
    holdout: { members: control.members, converted: control.converted, conversionRate: holdoutConversionRate, revenueFen: control.revenueFen },
    uplift: Math.round((conversionRate - holdoutConversionRate) * 100) / 100,
  };
}
