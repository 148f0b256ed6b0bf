import { Migration } from '@mikro-orm/migrations';

export class Migration20261130083956_campaign_channels extends Migration {

  override name = 'Migration20261130083956_campaign_channels';

  override up(): void | Promise<void> {
    this.addSql(`create table \`campaign_deliveries\` (\`id\` integer not null primary key autoincrement, \`campaign_id\` text not null, \`member_id\` text not null, \`channel\` text check (\`channel\` in ('sms', 'invitation', 'wecom')) not null, \`status\` text check (\`status\` in ('queued', 'sent', 'delivered', 'skipped', 'failed')) not null default 'queued', \`reason\` text null, \`ref\` text null, \`sent_at\` datetime null, \`delivered_at\` datetime null, \`created_at\` datetime not null, \`updated_at\` datetime not null, constraint \`campaign_deliveries_campaign_id_foreign\` foreign key (\`campaign_id\`) references \`campaigns\` (\`id\`) on delete cascade, constraint \`campaign_deliveries_member_id_foreign\` foreign key (\`member_id\`) references \`members\` (\`id\`) on delete cascade);`);
    this.addSql(`create index \`campaign_deliveries_campaign_id_index\` on \`campaign_deliveries\` (\`campaign_id\`);`);
    this.addSql(`create index \`campaign_deliveries_member_id_index\` on \`campaign_deliveries\` (\`member_id\`);`);
    this.addSql(`create index \`campaign_deliveries_campaign_id_channel_status_index\` on \`campaign_deliveries\` (\`campaign_id\`, \`channel\`, \`status\`);`);
    this.addSql(`create unique index \`campaign_deliveries_campaign_id_member_id_channel_unique\` on \`campaign_deliveries\` (\`campaign_id\`, \`member_id\`, \`channel\`);`);

    this.addSql(`alter table \`campaigns\` add column \`channels\` json not null default '["sms"]';`);
    this.addSql(`alter table \`campaigns\` add column \`audience\` json null;`);
    this.addSql(`alter table \`campaigns\` add column \`event_id\` text null constraint \`campaigns_event_id_foreign\` references \`events\` (\`id\`) on delete set null;`);
    this.addSql(`create index \`campaigns_event_id_index\` on \`campaigns\` (\`event_id\`);`);

    this.addSql(`alter table \`invitations\` add column \`campaign_id\` text null constraint \`invitations_campaign_id_foreign\` references \`campaigns\` (\`id\`) on delete set null;`);
    this.addSql(`create index \`invitations_campaign_id_index\` on \`invitations\` (\`campaign_id\`);`);
  }

  override down(): void | Promise<void> {
    this.addSql(`drop table if exists \`campaign_deliveries\`;`);

    this.addSql(`drop index \`campaigns_event_id_index\`;`);
    this.addSql(`alter table \`campaigns\` drop column \`channels\`;`);
    this.addSql(`alter table \`campaigns\` drop column \`audience\`;`);
    this.addSql(`alter table \`campaigns\` drop column \`event_id\`;`);

    this.addSql(`drop index \`invitations_campaign_id_index\`;`);
    this.addSql(`alter table \`invitations\` drop column \`campaign_id\`;`);
  }

}
