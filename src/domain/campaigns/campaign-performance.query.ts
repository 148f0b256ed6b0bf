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
 * Brings one campaign's delivery and tracking rows up to date in set-based statements (no per-member loop).
 * Deliveries from each channel's own records: SMS from its batch's recipients (carrier receipts; a
 * compliance skip keeps its reason), invitations from the invitation rows (sent, or failed with the send
 * job's reason — a compliance refusal counts as skipped), WeCom notes from the notification outbox row
 * their ref names (sent when it was delivered, failed with its last error). A member's `sent` is their first SMS or
 * invitation that went out (a WeCom note goes to the owner, not to the member), `delivered` their SMS
 * receipt. Conversion = the member's first visit in the attribution window (treated members only once
 * something went out to them), revenue = that visit's spend, cost = the messages (SMS and SMS
 * invitations that went out) plus the incentive for a treated member who converted, and the furthest
 * stage reached. Run every minute for running campaigns (job `campaign.track`), so the figures a
 * performance read shows are at most a minute behind a receipt or a visit; reads only read.
 */
export async function refreshTracking(em: EntityManager, campaign: Campaign, smsCostFen: number): Promise<void> {
  const window = attributionWindow(campaign);
  if (!window) return;
  // One transaction: a performance read sees the campaign before or after a refresh, never half of one.
  await em.transactional((tx) => refreshStatements(tx, campaign, window, smsCostFen));
}

const SKIP_REASONS = "('NO_CONSENT', 'OPTED_OUT', 'BLACKLISTED', 'FREQUENCY_CAP', 'INVALID_NUMBER', 'NO_MOBILE')";

async function refreshStatements(em: EntityManager, campaign: Campaign, window: { from: Date; to: Date }, smsCostFen: number): Promise<void> {
  const conn = em.getConnection();
  const run = (sql: string, params: unknown[]) => conn.execute(sql, params, 'run', em.getTransactionContext());
  const recipient = `from sms_batch_recipients r where r.batch_id in (select b.id from sms_batches b where b.campaign_id = campaign_deliveries.campaign_id) and r.phone = campaign_deliveries.ref`;
  await run(
    `update campaign_deliveries set
       status = coalesce((select case r.status when 'pending' then 'queued' when 'unknown' then 'queued' else r.status end ${recipient}), status),
       reason = (select r.reason ${recipient}),
       sent_at = (select case when r.status in ('sent', 'delivered') then coalesce(r.sent_at, r.delivered_at, r.updated_at) end ${recipient}),
       delivered_at = (select r.delivered_at ${recipient} and r.status = 'delivered')
     where campaign_id = ? and channel = 'sms'`,
    [campaign.id],
  );
  const invitation = `from invitations i where i.id = campaign_deliveries.ref`;
  await run(
    `update campaign_deliveries set
       status = coalesce((select case
           when i.status in ('sent', 'opened', 'accepted', 'declined', 'expired') then 'sent'
           when i.status = 'failed' and i.failure_reason in ${SKIP_REASONS} then 'skipped'
           when i.status = 'failed' then 'failed'
           else 'queued' end ${invitation}), status),
       reason = (select i.failure_reason ${invitation}),
       sent_at = (select i.sent_at ${invitation})
     where campaign_id = ? and channel = 'invitation' and status in ('queued', 'sent', 'failed')`,
    [campaign.id],
  );
  const note = `from notification_outbox o where o.ref = campaign_deliveries.ref`;
  await run(
    `update campaign_deliveries set
       status = coalesce((select case o.status when 'pending' then 'queued' else o.status end ${note}), status),
       reason = coalesce((select case when o.status = 'failed' then substr(coalesce(o.last_error, 'UNKNOWN'), 1, 64) end ${note}), reason),
       sent_at = coalesce((select o.sent_at ${note} and o.status = 'sent'), sent_at)
     where campaign_id = ? and channel = 'wecom' and status in ('queued', 'sent', 'failed') and ref is not null`,
    [campaign.id],
  );
  const delivery = `from campaign_deliveries d where d.campaign_id = campaign_tracking.campaign_id and d.member_id = campaign_tracking.member_id`;
  await run(
    `update campaign_tracking set
       sent_at = (select min(d.sent_at) ${delivery} and d.channel in ('sms', 'invitation') and d.status in ('sent', 'delivered')),
       delivered_at = (select min(d.delivered_at) ${delivery} and d.channel = 'sms' and d.status = 'delivered')
     where campaign_id = ? and holdout = ?`,
    [campaign.id, 0],
  );
  await run(
    `update campaign_tracking set converted_at = (
       select min(v.visited_at) from member_visits v
        where v.member_id = campaign_tracking.member_id and v.visited_at > ? and v.visited_at <= ?)
     where campaign_id = ? and converted_at is null and (holdout = ? or sent_at is not null)`,
    [window.from, window.to, campaign.id, 1],
  );
  // Messages that cost: the SMS, and an invitation that went out by SMS.
  const messages = `(select count(*) from campaign_deliveries d where d.campaign_id = campaign_tracking.campaign_id and d.member_id = campaign_tracking.member_id
       and d.status in ('sent', 'delivered') and (d.channel = 'sms' or (d.channel = 'invitation' and exists (select 1 from invitations i where i.id = d.ref and i.channel = 'sms'))))`;
  await run(
    `update campaign_tracking set
       revenue_fen = coalesce((select sum(v.spending_fen) from member_visits v
                                where v.member_id = campaign_tracking.member_id and v.visited_at = campaign_tracking.converted_at), 0),
       cost_fen = ${messages} * ? + (case when converted_at is not null and holdout = ? then ? else 0 end),
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
  );
}

type GroupFigures = { members: number; sent: number; delivered: number; opened: number; clicked: number; converted: number; revenueFen: number; costFen: number };

/**
 * Seed §4.4 trackCampaignPerformance: the treated group's funnel, revenue, cost, ROI %, response rate
 * (opened or clicked / sent) and conversion rate (converted / sent), and the holdout's own figures with the
 * uplift (treated conversion rate − holdout conversion rate, in percentage points); per channel of the
 * mix, its delivery counts with the reasons members were skipped or failed (compliance and the rest);
 * `skipped`: treated members nothing went out to (yet). ROI counts the treated
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
  const channels = await channelFigures(em, campaign);
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
    skipped: treated.members - treated.sent,
    channels,
    holdout: { members: control.members, converted: control.converted, conversionRate: holdoutConversionRate, revenueFen: control.revenueFen },
    uplift: Math.round((conversionRate - holdoutConversionRate) * 100) / 100,
  };
}

const DELIVERY_COUNTS = ['queued', 'sent', 'delivered', 'skipped', 'failed'] as const;

/** Per channel of the campaign's mix: members, deliveries by status, skips and failures by reason. */
async function channelFigures(em: EntityManager, campaign: Campaign) {
  const rows = await em.getConnection().execute<Array<{ channel: string; status: string; reason: string | null; n: Num }>>(
    'select channel, status, reason, count(*) as n from campaign_deliveries where campaign_id = ? group by channel, status, reason',
    [campaign.id],
  );
  return (campaign.channels ?? ['sms']).map((channel) => {
    const counts = Object.fromEntries(DELIVERY_COUNTS.map((k) => [k, 0])) as Record<(typeof DELIVERY_COUNTS)[number], number>;
    const skippedByReason: Record<string, number> = {};
    const failedByReason: Record<string, number> = {};
    for (const r of rows.filter((x: { channel: string }) => x.channel === channel)) {
      const n = Number(r.n ?? 0);
      counts[r.status as keyof typeof counts] += n;
      if (r.status === 'skipped') skippedByReason[r.reason ?? 'UNKNOWN'] = (skippedByReason[r.reason ?? 'UNKNOWN'] ?? 0) + n;
      if (r.status === 'failed') failedByReason[r.reason ?? 'UNKNOWN'] = (failedByReason[r.reason ?? 'UNKNOWN'] ?? 0) + n;
    }
    const members = Object.values(counts).reduce((a, b) => a + b, 0);
    // "sent" counts what went out, delivered or not yet.
    return { channel, members, ...counts, sent: counts.sent + counts.delivered, skippedByReason, failedByReason };
  });
}
