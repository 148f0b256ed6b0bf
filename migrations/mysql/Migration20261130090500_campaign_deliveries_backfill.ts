import { Migration } from '@mikro-orm/migrations';

/**
 * Campaigns launched before channel deliveries existed sent one SMS batch: their treated members get an
 * `sms` delivery row (queued; the tracking refresh fills in the outcome from the batch recipients), so the
 * refresh, which now reads a member's send from the deliveries, keeps counting them.
 */
export class Migration20261130090500_campaign_deliveries_backfill extends Migration {
  override name = 'Migration20261130090500_campaign_deliveries_backfill';

  override up(): void | Promise<void> {
    this.addSql(`insert into campaign_deliveries (campaign_id, member_id, channel, status, ref, created_at, updated_at)
      select t.campaign_id, t.member_id, 'sms', 'queued', t.phone, t.created_at, t.updated_at
        from campaign_tracking t join campaigns c on c.id = t.campaign_id
       where c.status in ('running', 'completed') and t.holdout = 0 and t.phone is not null
         and not exists (select 1 from campaign_deliveries d where d.campaign_id = t.campaign_id and d.member_id = t.member_id and d.channel = 'sms');`);
  }

  override down(): void | Promise<void> {}
}
