import { Migration } from '@mikro-orm/migrations';

export class Migration20261130040910_customer_intelligence extends Migration {

  override name = 'Migration20261130040910_customer_intelligence';

  override up(): void | Promise<void> {
    this.addSql(`create table \`behavior_runs\` (\`id\` integer not null primary key autoincrement, \`mode\` text check (\`mode\` in ('full', 'incremental')) not null, \`status\` text check (\`status\` in ('running', 'completed', 'failed')) not null default 'running', \`step\` text not null, \`cursor\` text null, \`as_of\` datetime not null, \`visit_watermark\` bigint not null default '0', \`members\` integer not null default 0, \`processed\` integer not null default 0, \`started_at\` datetime not null, \`finished_at\` datetime null, \`error\` text null);`);
    this.addSql(`create index \`behavior_runs_status_index\` on \`behavior_runs\` (\`status\`);`);

    this.addSql(`create table \`rfm_thresholds\` (\`dimension\` text not null primary key, \`p20\` bigint not null, \`p40\` bigint not null, \`p60\` bigint not null, \`p80\` bigint not null, \`population\` integer not null, \`computed_at\` datetime not null);`);

    this.addSql(`create table \`segment_rules\` (\`segment\` text not null primary key, \`priority\` integer not null, \`r_min\` integer not null, \`r_max\` integer not null, \`f_min\` integer not null, \`f_max\` integer not null, \`m_min\` integer not null, \`m_max\` integer not null, \`first_visit_within_days\` integer null, \`updated_at\` datetime not null);`);

    this.addSql(`create table \`segment_stats\` (\`segment\` text not null primary key, \`members\` integer not null, \`avg_spending_fen\` integer not null, \`avg_spending365d_fen\` integer not null, \`computed_at\` datetime not null);`);

    this.addSql(`create table \`member_tags\` (\`id\` integer not null primary key autoincrement, \`member_id\` text not null, \`tag\` text not null, \`created_at\` datetime not null, constraint \`member_tags_member_id_foreign\` foreign key (\`member_id\`) references \`members\` (\`id\`) on delete cascade);`);
    this.addSql(`create index \`member_tags_member_id_index\` on \`member_tags\` (\`member_id\`);`);
    this.addSql(`create index \`member_tags_tag_member_id_index\` on \`member_tags\` (\`tag\`, \`member_id\`);`);
    this.addSql(`create unique index \`member_tags_member_id_tag_unique\` on \`member_tags\` (\`member_id\`, \`tag\`);`);

    this.addSql(`pragma foreign_keys = off;`);
    this.addSql(`create table \`member_behavior__temp_alter\` (\`id\` integer not null primary key autoincrement, \`member_id\` text not null, \`visit_frequency\` integer not null default 0, \`avg_spending_fen\` integer not null default 0, \`last_visit_date\` date null, \`total_spending_fen\` bigint not null default '0', \`favorite_categories\` json not null default '[]', \`preferred_time_slots\` json not null default '[]', \`response_rate\` numeric(5,2) not null default 0, \`churn_risk\` numeric(5,2) not null default 0, \`visits_365d\` integer not null default 0, \`spending_365d_fen\` bigint not null default '0', \`visit_count\` integer not null default 0, \`first_visit_at\` datetime null, \`last_visit_at\` datetime null, \`recency_days\` integer not null default 0, \`usual_interval_days\` numeric(8,2) null, \`night_share\` numeric(5,2) not null default 0, \`campaigns_received\` integer not null default 0, \`r_score\` integer null, \`f_score\` integer null, \`m_score\` integer null, \`segment\` text check (\`segment\` in ('VIP', 'loyal', 'potential', 'regular', 'churn_risk', 'new')) null, \`updated_at\` datetime not null, constraint \`member_behavior_member_id_foreign\` foreign key (\`member_id\`) references \`members\` (\`id\`) on delete cascade);`);
    this.addSql(`insert into \`member_behavior__temp_alter\` select \`id\`, \`member_id\`, \`visit_frequency\`, \`avg_spending_fen\`, \`last_visit_date\`, \`total_spending_fen\`, \`favorite_categories\`, \`preferred_time_slots\`, \`response_rate\`, \`churn_risk\`, 0 as \`visits_365d\`, 0 as \`spending_365d_fen\`, 0 as \`visit_count\`, null as \`first_visit_at\`, null as \`last_visit_at\`, 0 as \`recency_days\`, null as \`usual_interval_days\`, 0 as \`night_share\`, 0 as \`campaigns_received\`, null as \`r_score\`, null as \`f_score\`, null as \`m_score\`, null as \`segment\`, \`updated_at\` from \`member_behavior\`;`);
    this.addSql(`drop table \`member_behavior\`;`);
    this.addSql(`alter table \`member_behavior__temp_alter\` rename to \`member_behavior\`;`);
    this.addSql(`create unique index \`member_behavior_member_id_unique\` on \`member_behavior\` (\`member_id\`);`);
    this.addSql(`create index \`member_behavior_churn_risk_index\` on \`member_behavior\` (\`churn_risk\`);`);
    this.addSql(`create index \`member_behavior_segment_index\` on \`member_behavior\` (\`segment\`);`);
    this.addSql(`pragma foreign_keys = on;`);


    // The default segment rules (README: Customer intelligence); an admin may change the rows.
    this.addSql(`insert into \`segment_rules\` (\`segment\`, \`priority\`, \`r_min\`, \`r_max\`, \`f_min\`, \`f_max\`, \`m_min\`, \`m_max\`, \`first_visit_within_days\`, \`updated_at\`) values ('new', 1, 1, 5, 1, 5, 1, 5, 30, 1796000000000), ('churn_risk', 2, 1, 2, 3, 5, 1, 5, null, 1796000000000), ('VIP', 3, 4, 5, 4, 5, 4, 5, null, 1796000000000), ('loyal', 4, 3, 5, 4, 5, 3, 5, null, 1796000000000), ('potential', 5, 1, 5, 1, 3, 4, 5, null, 1796000000000), ('regular', 6, 1, 5, 1, 5, 1, 5, null, 1796000000000);`);
    this.addSql(`update \`role_permissions\` set \`permission\` = 'customer:segment:view' where \`permission\` = 'customer:segment';`);
    this.addSql(`insert into \`role_permissions\` (\`role\`, \`permission\`, \`granted_at\`) values ('manager', 'customer:tags:write', '2026-11-30 00:00:00'), ('admin', 'customer:tags:write', '2026-11-30 00:00:00');`);
  }

  override down(): void | Promise<void> {
    this.addSql(`delete from \`role_permissions\` where \`permission\` = 'customer:tags:write';`);
    this.addSql(`update \`role_permissions\` set \`permission\` = 'customer:segment' where \`permission\` = 'customer:segment:view';`);
    this.addSql(`drop table if exists \`behavior_runs\`;`);
    this.addSql(`drop table if exists \`rfm_thresholds\`;`);
    this.addSql(`drop table if exists \`segment_rules\`;`);
    this.addSql(`drop table if exists \`segment_stats\`;`);
    this.addSql(`drop table if exists \`member_tags\`;`);


    this.addSql(`pragma foreign_keys = off;`);
    this.addSql(`create table \`member_behavior__temp_alter\` (\`avg_spending_fen\` integer not null default 0, \`churn_risk\` numeric not null default 0, \`favorite_categories\` json not null default '[]', \`id\` integer not null primary key autoincrement, \`last_visit_date\` date null, \`member_id\` text not null, \`preferred_time_slots\` json not null default '[]', \`response_rate\` numeric not null default 0, \`total_spending_fen\` bigint not null default '0', \`updated_at\` datetime not null, \`visit_frequency\` integer not null default 0, constraint \`member_behavior_member_id_foreign\` foreign key (\`member_id\`) references \`members\` (\`id\`) on delete cascade);`);
    this.addSql(`insert into \`member_behavior__temp_alter\` select \`avg_spending_fen\`, \`churn_risk\`, \`favorite_categories\`, \`id\`, \`last_visit_date\`, \`member_id\`, \`preferred_time_slots\`, \`response_rate\`, \`total_spending_fen\`, \`updated_at\`, \`visit_frequency\` from \`member_behavior\`;`);
    this.addSql(`drop table \`member_behavior\`;`);
    this.addSql(`alter table \`member_behavior__temp_alter\` rename to \`member_behavior\`;`);
    this.addSql(`create unique index \`member_behavior_member_id_unique\` on \`member_behavior\` (\`member_id\`);`);
    this.addSql(`pragma foreign_keys = on;`);
  }

}
