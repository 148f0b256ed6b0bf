import { Migration } from '@mikro-orm/migrations';

export class Migration20261130033415_segment_campaigns extends Migration {

  override name = 'Migration20261130033415_segment_campaigns';

  override up(): void | Promise<void> {
    this.addSql(`alter table \`campaigns\` add \`offer\` varchar(200) null, add \`content_source\` enum('model','template') null, add \`sms_template_code\` varchar(50) null, add \`incentive_fen\` int not null default 0, add \`budget_fen\` bigint null, add \`start_at\` datetime null, add \`holdout_percent\` int not null default 10, add \`attribution_days\` int not null default 7, add \`expected_roi\` numeric(10,2) null, add \`roi_basis\` enum('history','prior') null;`);

    this.addSql(`alter table \`campaign_tracking\` add \`holdout\` tinyint(1) not null default false, add \`phone\` varchar(20) null, add \`sent_at\` datetime null, add \`delivered_at\` datetime null, add \`opened_at\` datetime null, add \`clicked_at\` datetime null, add \`converted_at\` datetime null;`);
    this.addSql(`alter table \`campaign_tracking\` modify \`status\` enum('sent','delivered','opened','clicked','converted') null;`);
    this.addSql(`alter table \`campaign_tracking\` add unique \`campaign_tracking_campaign_id_member_id_unique\` (\`campaign_id\`, \`member_id\`);`);
  }

  override down(): void | Promise<void> {
    this.addSql(`alter table \`campaign_tracking\` drop index \`campaign_tracking_campaign_id_member_id_unique\`;`);
    this.addSql(`alter table \`campaign_tracking\` drop column \`holdout\`, drop column \`phone\`, drop column \`sent_at\`, drop column \`delivered_at\`, drop column \`opened_at\`, drop column \`clicked_at\`, drop column \`converted_at\`;`);
    this.addSql(`alter table \`campaign_tracking\` modify \`status\` enum('sent','delivered','opened','clicked','converted') not null default 'sent';`);

    this.addSql(`alter table \`campaigns\` drop column \`offer\`, drop column \`content_source\`, drop column \`sms_template_code\`, drop column \`incentive_fen\`, drop column \`budget_fen\`, drop column \`start_at\`, drop column \`holdout_percent\`, drop column \`attribution_days\`, drop column \`expected_roi\`, drop column \`roi_basis\`;`);
  }

}
