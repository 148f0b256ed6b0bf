import { Migration } from '@mikro-orm/migrations';

export class Migration20261130084015_campaign_channels extends Migration {

  override name = 'Migration20261130084015_campaign_channels';

  override up(): void | Promise<void> {
    this.addSql(`create table \`campaign_deliveries\` (\`id\` int unsigned not null auto_increment primary key, \`campaign_id\` varchar(50) not null, \`member_id\` varchar(50) not null, \`channel\` enum('sms','invitation','wecom') not null, \`status\` enum('queued','sent','delivered','skipped','failed') not null default 'queued', \`reason\` varchar(64) null, \`ref\` varchar(64) null, \`sent_at\` datetime null, \`delivered_at\` datetime null, \`created_at\` datetime not null, \`updated_at\` datetime not null) default character set utf8mb4 engine = InnoDB;`);
    this.addSql(`alter table \`campaign_deliveries\` add index \`campaign_deliveries_campaign_id_index\` (\`campaign_id\`);`);
    this.addSql(`alter table \`campaign_deliveries\` add index \`campaign_deliveries_member_id_index\` (\`member_id\`);`);
    this.addSql(`alter table \`campaign_deliveries\` add index \`campaign_deliveries_campaign_id_channel_status_index\` (\`campaign_id\`, \`channel\`, \`status\`);`);
    this.addSql(`alter table \`campaign_deliveries\` add unique \`campaign_deliveries_campaign_id_member_id_channel_unique\` (\`campaign_id\`, \`member_id\`, \`channel\`);`);

    this.addSql(`alter table \`campaigns\` add \`channels\` json not null default ('["sms"]'), add \`audience\` json null, add \`event_id\` varchar(50) null;`);
    this.addSql(`alter table \`campaigns\` add constraint \`campaigns_event_id_foreign\` foreign key (\`event_id\`) references \`events\` (\`id\`) on delete set null;`);
    this.addSql(`alter table \`campaigns\` add index \`campaigns_event_id_index\` (\`event_id\`);`);

    this.addSql(`alter table \`invitations\` add \`campaign_id\` varchar(50) null;`);
    this.addSql(`alter table \`invitations\` add constraint \`invitations_campaign_id_foreign\` foreign key (\`campaign_id\`) references \`campaigns\` (\`id\`) on delete set null;`);
    this.addSql(`alter table \`invitations\` add index \`invitations_campaign_id_index\` (\`campaign_id\`);`);

    this.addSql(`alter table \`campaign_deliveries\` add constraint \`campaign_deliveries_campaign_id_foreign\` foreign key (\`campaign_id\`) references \`campaigns\` (\`id\`) on delete cascade;`);
    this.addSql(`alter table \`campaign_deliveries\` add constraint \`campaign_deliveries_member_id_foreign\` foreign key (\`member_id\`) references \`members\` (\`id\`) on delete cascade;`);
  }

  override down(): void | Promise<void> {
    this.addSql(`drop table if exists \`campaign_deliveries\`;`);

    this.addSql(`alter table \`campaigns\` drop foreign key \`campaigns_event_id_foreign\`;`);

    this.addSql(`alter table \`invitations\` drop foreign key \`invitations_campaign_id_foreign\`;`);

    this.addSql(`alter table \`campaigns\` drop index \`campaigns_event_id_index\`;`);
    this.addSql(`alter table \`campaigns\` drop column \`channels\`, drop column \`audience\`, drop column \`event_id\`;`);

    this.addSql(`alter table \`invitations\` drop index \`invitations_campaign_id_index\`;`);
    this.addSql(`alter table \`invitations\` drop column \`campaign_id\`;`);
  }

}
