import { Migration } from '@mikro-orm/migrations';

export class Migration20261130040935_customer_intelligence extends Migration {

  override name = 'Migration20261130040935_customer_intelligence';

  override up(): void | Promise<void> {
    this.addSql(`create table \`behavior_runs\` (\`id\` int unsigned not null auto_increment primary key, \`mode\` enum('full','incremental') not null, \`status\` enum('running','completed','failed') not null default 'running', \`step\` varchar(32) not null, \`cursor\` varchar(50) null, \`as_of\` datetime not null, \`visit_watermark\` bigint not null default '0', \`members\` int not null default 0, \`processed\` int not null default 0, \`started_at\` datetime not null, \`finished_at\` datetime null, \`error\` text null) default character set utf8mb4 engine = InnoDB;`);
    this.addSql(`alter table \`behavior_runs\` add index \`behavior_runs_status_index\` (\`status\`);`);

    this.addSql(`create table \`rfm_thresholds\` (\`dimension\` varchar(1) not null, \`p20\` bigint not null, \`p40\` bigint not null, \`p60\` bigint not null, \`p80\` bigint not null, \`population\` int not null, \`computed_at\` datetime not null, primary key (\`dimension\`)) default character set utf8mb4 engine = InnoDB;`);

    this.addSql(`create table \`segment_rules\` (\`segment\` varchar(16) not null, \`priority\` int not null, \`r_min\` tinyint not null, \`r_max\` tinyint not null, \`f_min\` tinyint not null, \`f_max\` tinyint not null, \`m_min\` tinyint not null, \`m_max\` tinyint not null, \`first_visit_within_days\` int null, \`updated_at\` datetime not null, primary key (\`segment\`)) default character set utf8mb4 engine = InnoDB;`);

    this.addSql(`create table \`segment_stats\` (\`segment\` varchar(16) not null, \`members\` int not null, \`avg_spending_fen\` int not null, \`avg_spending365d_fen\` int not null, \`computed_at\` datetime not null, primary key (\`segment\`)) default character set utf8mb4 engine = InnoDB;`);

    this.addSql(`create table \`member_tags\` (\`id\` int unsigned not null auto_increment primary key, \`member_id\` varchar(50) not null, \`tag\` varchar(32) not null, \`created_at\` datetime not null) default character set utf8mb4 engine = InnoDB;`);
    this.addSql(`alter table \`member_tags\` add index \`member_tags_member_id_index\` (\`member_id\`);`);
    this.addSql(`alter table \`member_tags\` add index \`member_tags_tag_member_id_index\` (\`tag\`, \`member_id\`);`);
    this.addSql(`alter table \`member_tags\` add unique \`member_tags_member_id_tag_unique\` (\`member_id\`, \`tag\`);`);

    this.addSql(`alter table \`member_behavior\` add \`visits_365d\` int not null default 0, add \`spending_365d_fen\` bigint not null default '0', add \`visit_count\` int not null default 0, add \`first_visit_at\` datetime null, add \`last_visit_at\` datetime null, add \`recency_days\` int not null default 0, add \`usual_interval_days\` numeric(8,2) null, add \`night_share\` numeric(5,2) not null default 0, add \`campaigns_received\` int not null default 0, add \`r_score\` tinyint null, add \`f_score\` tinyint null, add \`m_score\` tinyint null, add \`segment\` enum('VIP','loyal','potential','regular','churn_risk','new') null;`);
    this.addSql(`alter table \`member_behavior\` add index \`member_behavior_churn_risk_index\` (\`churn_risk\`);`);
    this.addSql(`alter table \`member_behavior\` add index \`member_behavior_segment_index\` (\`segment\`);`);


    this.addSql(`alter table \`member_tags\` add constraint \`member_tags_member_id_foreign\` foreign key (\`member_id\`) references \`members\` (\`id\`) on delete cascade;`);

    // The default segment rules (README: Customer intelligence); an admin may change the rows.
    this.addSql(`insert into \`segment_rules\` (\`segment\`, \`priority\`, \`r_min\`, \`r_max\`, \`f_min\`, \`f_max\`, \`m_min\`, \`m_max\`, \`first_visit_within_days\`, \`updated_at\`) values ('new', 1, 1, 5, 1, 5, 1, 5, 30, '2026-11-30 00:00:00'), ('churn_risk', 2, 1, 2, 3, 5, 1, 5, null, '2026-11-30 00:00:00'), ('VIP', 3, 4, 5, 4, 5, 4, 5, null, '2026-11-30 00:00:00'), ('loyal', 4, 3, 5, 4, 5, 3, 5, null, '2026-11-30 00:00:00'), ('potential', 5, 1, 5, 1, 3, 4, 5, null, '2026-11-30 00:00:00'), ('regular', 6, 1, 5, 1, 5, 1, 5, null, '2026-11-30 00:00:00');`);
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


    this.addSql(`alter table \`member_behavior\` drop index \`member_behavior_churn_risk_index\`;`);
    this.addSql(`alter table \`member_behavior\` drop index \`member_behavior_segment_index\`;`);
    this.addSql(`alter table \`member_behavior\` drop column \`visits_365d\`, drop column \`spending_365d_fen\`, drop column \`visit_count\`, drop column \`first_visit_at\`, drop column \`last_visit_at\`, drop column \`recency_days\`, drop column \`usual_interval_days\`, drop column \`night_share\`, drop column \`campaigns_received\`, drop column \`r_score\`, drop column \`f_score\`, drop column \`m_score\`, drop column \`segment\`;`);
  }

}
