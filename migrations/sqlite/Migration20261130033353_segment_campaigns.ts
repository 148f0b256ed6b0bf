import { Migration } from '@mikro-orm/migrations';

export class Migration20261130033353_segment_campaigns extends Migration {

  override name = 'Migration20261130033353_segment_campaigns';

  override up(): void | Promise<void> {
    this.addSql(`pragma foreign_keys = off;`);
    this.addSql(`create table \`campaigns__temp_alter\` (\`id\` text not null primary key, \`name\` text not null, \`segment\` text check (\`segment\` in ('VIP', 'loyal', 'potential', 'regular', 'churn_risk', 'new')) not null, \`type\` text check (\`type\` in ('discount', 'coupon', 'gift', 'points', 'upgrade', 'retention')) not null, \`channel\` text check (\`channel\` in ('sms', 'call', 'wechat', 'email')) not null, \`status\` text check (\`status\` in ('draft', 'pending_approval', 'approved', 'rejected', 'running', 'completed')) not null default 'draft', \`content\` text not null, \`offer\` text null, \`content_source\` text check (\`content_source\` in ('model', 'template')) null, \`sms_template_code\` text null, \`incentive_fen\` integer not null default 0, \`budget_fen\` bigint null, \`start_at\` datetime null, \`holdout_percent\` integer not null default 10, \`attribution_days\` integer not null default 7, \`audience_size\` integer not null default 0, \`estimated_cost_fen\` bigint not null default '0', \`expected_roi\` numeric(10,2) null, \`roi_basis\` text check (\`roi_basis\` in ('history', 'prior')) null, \`created_by\` integer null, \`submitted_at\` datetime null, \`approved_by\` integer null, \`approved_at\` datetime null, \`rejected_reason\` text null, \`started_at\` datetime null, \`completed_at\` datetime null, \`created_at\` datetime not null, \`updated_at\` datetime not null, constraint \`campaigns_created_by_foreign\` foreign key (\`created_by\`) references \`staff\` (\`id\`) on delete set null, constraint \`campaigns_approved_by_foreign\` foreign key (\`approved_by\`) references \`staff\` (\`id\`) on delete set null);`);
    this.addSql(`insert into \`campaigns__temp_alter\` select \`id\`, \`name\`, \`segment\`, \`type\`, \`channel\`, \`status\`, \`content\`, null as \`offer\`, null as \`content_source\`, null as \`sms_template_code\`, 0 as \`incentive_fen\`, null as \`budget_fen\`, null as \`start_at\`, 10 as \`holdout_percent\`, 7 as \`attribution_days\`, \`audience_size\`, \`estimated_cost_fen\`, null as \`expected_roi\`, null as \`roi_basis\`, \`created_by\`, \`submitted_at\`, \`approved_by\`, \`approved_at\`, \`rejected_reason\`, \`started_at\`, \`completed_at\`, \`created_at\`, \`updated_at\` from \`campaigns\`;`);
    this.addSql(`drop table \`campaigns\`;`);
    this.addSql(`alter table \`campaigns__temp_alter\` rename to \`campaigns\`;`);
    this.addSql(`create index \`campaigns_segment_index\` on \`campaigns\` (\`segment\`);`);
    this.addSql(`create index \`campaigns_status_index\` on \`campaigns\` (\`status\`);`);
    this.addSql(`create index \`campaigns_created_by_index\` on \`campaigns\` (\`created_by\`);`);
    this.addSql(`create index \`campaigns_approved_by_index\` on \`campaigns\` (\`approved_by\`);`);
    this.addSql(`pragma foreign_keys = on;`);

    this.addSql(`pragma foreign_keys = off;`);
    this.addSql(`create table \`campaign_tracking__temp_alter\` (\`id\` integer not null primary key autoincrement, \`campaign_id\` text not null, \`member_id\` text not null, \`holdout\` integer not null default false, \`phone\` text null, \`status\` text check (\`status\` in ('sent', 'delivered', 'opened', 'clicked', 'converted')) null, \`sent_at\` datetime null, \`delivered_at\` datetime null, \`opened_at\` datetime null, \`clicked_at\` datetime null, \`converted_at\` datetime null, \`revenue_fen\` integer not null default 0, \`cost_fen\` integer not null default 0, \`created_at\` datetime not null, \`updated_at\` datetime not null, constraint \`campaign_tracking_campaign_id_foreign\` foreign key (\`campaign_id\`) references \`campaigns\` (\`id\`) on delete cascade, constraint \`campaign_tracking_member_id_foreign\` foreign key (\`member_id\`) references \`members\` (\`id\`) on delete cascade);`);
    this.addSql(`insert into \`campaign_tracking__temp_alter\` select \`id\`, \`campaign_id\`, \`member_id\`, 0 as \`holdout\`, null as \`phone\`, \`status\`, null as \`sent_at\`, null as \`delivered_at\`, null as \`opened_at\`, null as \`clicked_at\`, null as \`converted_at\`, \`revenue_fen\`, \`cost_fen\`, \`created_at\`, \`updated_at\` from \`campaign_tracking\`;`);
    this.addSql(`drop table \`campaign_tracking\`;`);
    this.addSql(`alter table \`campaign_tracking__temp_alter\` rename to \`campaign_tracking\`;`);
    this.addSql(`create index \`campaign_tracking_campaign_id_index\` on \`campaign_tracking\` (\`campaign_id\`);`);
    this.addSql(`create index \`campaign_tracking_member_id_index\` on \`campaign_tracking\` (\`member_id\`);`);
    this.addSql(`create index \`campaign_tracking_campaign_id_status_index\` on \`campaign_tracking\` (\`campaign_id\`, \`status\`);`);
    this.addSql(`create unique index \`campaign_tracking_campaign_id_member_id_unique\` on \`campaign_tracking\` (\`campaign_id\`, \`member_id\`);`);
    this.addSql(`pragma foreign_keys = on;`);
  }

  override down(): void | Promise<void> {
    this.addSql(`pragma foreign_keys = off;`);
    this.addSql(`create table \`campaign_tracking__temp_alter\` (\`campaign_id\` text not null, \`cost_fen\` integer not null default 0, \`created_at\` datetime not null, \`id\` integer not null primary key autoincrement, \`member_id\` text not null, \`revenue_fen\` integer not null default 0, \`status\` text check (\`status\` in ('sent', 'delivered', 'opened', 'clicked', 'converted')) not null default 'sent', \`updated_at\` datetime not null, constraint \`campaign_tracking_campaign_id_foreign\` foreign key (\`campaign_id\`) references \`campaigns\` (\`id\`) on delete cascade, constraint \`campaign_tracking_member_id_foreign\` foreign key (\`member_id\`) references \`members\` (\`id\`) on delete cascade);`);
    this.addSql(`insert into \`campaign_tracking__temp_alter\` select \`campaign_id\`, \`cost_fen\`, \`created_at\`, \`id\`, \`member_id\`, \`revenue_fen\`, \`status\`, \`updated_at\` from \`campaign_tracking\`;`);
    this.addSql(`drop table \`campaign_tracking\`;`);
    this.addSql(`alter table \`campaign_tracking__temp_alter\` rename to \`campaign_tracking\`;`);
    this.addSql(`create index \`campaign_tracking_campaign_id_index\` on \`campaign_tracking\` (\`campaign_id\`);`);
    this.addSql(`create index \`campaign_tracking_campaign_id_status_index\` on \`campaign_tracking\` (\`campaign_id\`, \`status\`);`);
    this.addSql(`create index \`campaign_tracking_member_id_index\` on \`campaign_tracking\` (\`member_id\`);`);
    this.addSql(`pragma foreign_keys = on;`);

    this.addSql(`pragma foreign_keys = off;`);
    this.addSql(`create table \`campaigns__temp_alter\` (\`approved_at\` datetime null, \`approved_by\` integer null, \`audience_size\` integer not null default 0, \`channel\` text check (\`channel\` in ('sms', 'call', 'wechat', 'email')) not null, \`completed_at\` datetime null, \`content\` text not null, \`created_at\` datetime not null, \`created_by\` integer null, \`estimated_cost_fen\` bigint not null default '0', \`id\` text not null primary key, \`name\` text not null, \`rejected_reason\` text null, \`segment\` text check (\`segment\` in ('VIP', 'loyal', 'potential', 'regular', 'churn_risk', 'new')) not null, \`started_at\` datetime null, \`status\` text check (\`status\` in ('draft', 'pending_approval', 'approved', 'rejected', 'running', 'completed')) not null default 'draft', \`submitted_at\` datetime null, \`type\` text check (\`type\` in ('discount', 'coupon', 'gift', 'points', 'upgrade', 'retention')) not null, \`updated_at\` datetime not null, constraint \`campaigns_approved_by_foreign\` foreign key (\`approved_by\`) references \`staff\` (\`id\`) on delete set null, constraint \`campaigns_created_by_foreign\` foreign key (\`created_by\`) references \`staff\` (\`id\`) on delete set null);`);
    this.addSql(`insert into \`campaigns__temp_alter\` select \`approved_at\`, \`approved_by\`, \`audience_size\`, \`channel\`, \`completed_at\`, \`content\`, \`created_at\`, \`created_by\`, \`estimated_cost_fen\`, \`id\`, \`name\`, \`rejected_reason\`, \`segment\`, \`started_at\`, \`status\`, \`submitted_at\`, \`type\`, \`updated_at\` from \`campaigns\`;`);
    this.addSql(`drop table \`campaigns\`;`);
    this.addSql(`alter table \`campaigns__temp_alter\` rename to \`campaigns\`;`);
    this.addSql(`create index \`campaigns_approved_by_index\` on \`campaigns\` (\`approved_by\`);`);
    this.addSql(`create index \`campaigns_created_by_index\` on \`campaigns\` (\`created_by\`);`);
    this.addSql(`create index \`campaigns_segment_index\` on \`campaigns\` (\`segment\`);`);
    this.addSql(`create index \`campaigns_status_index\` on \`campaigns\` (\`status\`);`);
    this.addSql(`pragma foreign_keys = on;`);
  }

}
