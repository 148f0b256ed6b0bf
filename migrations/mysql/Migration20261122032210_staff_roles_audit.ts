import { Migration } from '@mikro-orm/migrations';

export class Migration20261122032210_staff_roles_audit extends Migration {

  override name = 'Migration20261122032210_staff_roles_audit';

  override up(): void | Promise<void> {
    this.addSql(`create table \`audit_log\` (\`id\` int unsigned not null auto_increment primary key, \`actor_staff_id\` int null, \`action\` varchar(64) not null, \`target_type\` varchar(64) not null, \`target_id\` varchar(64) null, \`channel\` enum('api','wecom','wechaty','miniapp','cli','job','telephony','system') not null, \`details\` json null, \`request_id\` varchar(64) null, \`created_at\` datetime not null) default character set utf8mb4 engine = InnoDB;`);
    this.addSql(`alter table \`audit_log\` add index \`audit_log_actor_staff_id_index\` (\`actor_staff_id\`);`);
    this.addSql(`alter table \`audit_log\` add index \`audit_log_action_index\` (\`action\`);`);
    this.addSql(`alter table \`audit_log\` add index \`audit_log_created_at_index\` (\`created_at\`);`);
    this.addSql(`alter table \`audit_log\` add index \`audit_log_target_type_target_id_index\` (\`target_type\`, \`target_id\`);`);

    this.addSql(`create table \`role_permissions\` (\`role\` enum('sales','manager','admin','duty') not null, \`permission\` varchar(64) not null, \`granted_at\` datetime not null, primary key (\`role\`, \`permission\`)) default character set utf8mb4 engine = InnoDB;`);

    this.addSql(`create table \`staff\` (\`id\` int unsigned not null auto_increment primary key, \`name\` varchar(64) not null, \`role\` enum('sales','manager','admin','duty') not null, \`mobile\` varchar(20) null, \`mobile_last8\` varchar(8) null, \`office_ext\` varchar(16) null, \`wecom_user_id\` varchar(64) null, \`wechat_contact_id\` varchar(128) null, \`miniapp_open_id\` varchar(64) null, \`forwarding_type\` enum('sequential','simultaneous') not null default 'sequential', \`office_timeout_sec\` int not null default 15, \`mobile_timeout_sec\` int not null default 20, \`duty_days\` json not null default ('[]'), \`duty_start\` varchar(5) null, \`duty_end\` varchar(5) null, \`max_daily_calls\` int not null default 50, \`active\` tinyint(1) not null default true, \`created_at\` datetime not null, \`updated_at\` datetime not null) default character set utf8mb4 engine = InnoDB;`);
    this.addSql(`alter table \`staff\` add index \`staff_role_index\` (\`role\`);`);
    this.addSql(`alter table \`staff\` add index \`staff_mobile_last8_index\` (\`mobile_last8\`);`);
    this.addSql(`alter table \`staff\` add unique \`staff_wecom_user_id_unique\` (\`wecom_user_id\`);`);
    this.addSql(`alter table \`staff\` add unique \`staff_wechat_contact_id_unique\` (\`wechat_contact_id\`);`);
    this.addSql(`alter table \`staff\` add unique \`staff_miniapp_open_id_unique\` (\`miniapp_open_id\`);`);

    this.addSql(`alter table \`agenda_jobs\` modify \`type\` varchar(10) not null default 'normal';`);
    this.addSql(`alter table \`agenda_jobs\` modify \`fail_reason\` text null;`);
    this.addSql(`alter table \`agenda_jobs\` modify \`repeat_timezone\` varchar(100) null;`);
    this.addSql(`alter table \`agenda_jobs\` modify \`repeat_interval\` varchar(255) null;`);
    this.addSql(`alter table \`agenda_jobs\` modify \`repeat_at\` varchar(255) null;`);
    this.addSql(`alter table \`agenda_jobs\` modify \`data\` json null;`);
    this.addSql(`alter table \`agenda_jobs\` modify \`single_key\` varchar(191) null;`);
    this.addSql(`alter table \`agenda_jobs\` modify \`unique_key\` varchar(64) null;`);
    this.addSql(`alter table \`agenda_jobs\` modify \`unique_query\` json null;`);
    this.addSql(`alter table \`agenda_jobs\` modify \`last_modified_by\` varchar(191) null;`);
    this.addSql(`alter table \`agenda_jobs\` modify \`skip_days\` json null;`);
    // The role -> permission map a new installation starts with (src/domain/auth/permissions.ts at this date).
    this.addSql(`insert into \`role_permissions\` (\`role\`, \`permission\`, \`granted_at\`) values
      ('sales', 'lead:call:create', '2026-11-22 00:00:00'),
      ('sales', 'lead:call:list', '2026-11-22 00:00:00'),
      ('sales', 'lead:call:view', '2026-11-22 00:00:00'),
      ('sales', 'lead:call:control', '2026-11-22 00:00:00'),
      ('sales', 'lead:call:cancel', '2026-11-22 00:00:00'),
      ('sales', 'lead:call:record:list', '2026-11-22 00:00:00'),
      ('sales', 'lead:call:record:view', '2026-11-22 00:00:00'),
      ('sales', 'lead:call:record:download', '2026-11-22 00:00:00'),
      ('sales', 'outreach:script:generate', '2026-11-22 00:00:00'),
      ('sales', 'outreach:sms:send', '2026-11-22 00:00:00'),
      ('sales', 'outreach:call', '2026-11-22 00:00:00'),
      ('sales', 'outreach:feedback:write', '2026-11-22 00:00:00'),
      ('sales', 'outreach:invitation:create', '2026-11-22 00:00:00'),
      ('sales', 'outreach:history:view', '2026-11-22 00:00:00'),
      ('sales', 'customer:view', '2026-11-22 00:00:00'),
      ('sales', 'sales:status:set', '2026-11-22 00:00:00'),
      ('sales', 'sales:status:view', '2026-11-22 00:00:00'),
      ('sales', 'telephony:calls:view', '2026-11-22 00:00:00'),
      ('duty', 'lead:call:record:list', '2026-11-22 00:00:00'),
      ('duty', 'lead:call:record:view', '2026-11-22 00:00:00'),
      ('duty', 'lead:call:record:download', '2026-11-22 00:00:00'),
      ('duty', 'outreach:feedback:write', '2026-11-22 00:00:00'),
      ('duty', 'outreach:history:view', '2026-11-22 00:00:00'),
      ('duty', 'customer:view', '2026-11-22 00:00:00'),
      ('duty', 'sales:status:set', '2026-11-22 00:00:00'),
      ('duty', 'sales:status:view', '2026-11-22 00:00:00'),
      ('duty', 'telephony:calls:view', '2026-11-22 00:00:00'),
      ('manager', 'lead:call:create', '2026-11-22 00:00:00'),
      ('manager', 'lead:call:list', '2026-11-22 00:00:00'),
      ('manager', 'lead:call:view', '2026-11-22 00:00:00'),
      ('manager', 'lead:call:control', '2026-11-22 00:00:00'),
      ('manager', 'lead:call:cancel', '2026-11-22 00:00:00'),
      ('manager', 'lead:call:record:list', '2026-11-22 00:00:00'),
      ('manager', 'lead:call:record:view', '2026-11-22 00:00:00'),
      ('manager', 'lead:call:record:download', '2026-11-22 00:00:00'),
      ('manager', 'outreach:script:generate', '2026-11-22 00:00:00'),
      ('manager', 'outreach:sms:send', '2026-11-22 00:00:00'),
      ('manager', 'outreach:call', '2026-11-22 00:00:00'),
      ('manager', 'outreach:feedback:write', '2026-11-22 00:00:00'),
      ('manager', 'outreach:invitation:create', '2026-11-22 00:00:00'),
      ('manager', 'outreach:history:view', '2026-11-22 00:00:00'),
      ('manager', 'customer:view', '2026-11-22 00:00:00'),
      ('manager', 'sales:status:set', '2026-11-22 00:00:00'),
      ('manager', 'sales:status:view', '2026-11-22 00:00:00'),
      ('manager', 'telephony:calls:view', '2026-11-22 00:00:00'),
      ('manager', 'lead:call:edit', '2026-11-22 00:00:00'),
      ('manager', 'outreach:sms:batch', '2026-11-22 00:00:00'),
      ('manager', 'outreach:template:manage', '2026-11-22 00:00:00'),
      ('manager', 'outreach:invitation:approve', '2026-11-22 00:00:00'),
      ('manager', 'compliance:manage', '2026-11-22 00:00:00'),
      ('manager', 'customer:edit', '2026-11-22 00:00:00'),
      ('manager', 'customer:segment', '2026-11-22 00:00:00'),
      ('manager', 'customer:campaign:create', '2026-11-22 00:00:00'),
      ('manager', 'customer:campaign:approve', '2026-11-22 00:00:00'),
      ('manager', 'customer:upgrade:execute', '2026-11-22 00:00:00'),
      ('manager', 'telephony:rules:manage', '2026-11-22 00:00:00'),
      ('manager', 'jobs:view', '2026-11-22 00:00:00'),
      ('manager', 'audit:view', '2026-11-22 00:00:00'),
      ('admin', 'lead:call:create', '2026-11-22 00:00:00'),
      ('admin', 'lead:call:list', '2026-11-22 00:00:00'),
      ('admin', 'lead:call:view', '2026-11-22 00:00:00'),
      ('admin', 'lead:call:edit', '2026-11-22 00:00:00'),
      ('admin', 'lead:call:control', '2026-11-22 00:00:00'),
      ('admin', 'lead:call:cancel', '2026-11-22 00:00:00'),
      ('admin', 'lead:call:record:list', '2026-11-22 00:00:00'),
      ('admin', 'lead:call:record:view', '2026-11-22 00:00:00'),
      ('admin', 'lead:call:record:download', '2026-11-22 00:00:00'),
      ('admin', 'outreach:script:generate', '2026-11-22 00:00:00'),
      ('admin', 'outreach:sms:send', '2026-11-22 00:00:00'),
      ('admin', 'outreach:sms:batch', '2026-11-22 00:00:00'),
      ('admin', 'outreach:template:manage', '2026-11-22 00:00:00'),
      ('admin', 'outreach:call', '2026-11-22 00:00:00'),
      ('admin', 'outreach:feedback:write', '2026-11-22 00:00:00'),
      ('admin', 'outreach:invitation:create', '2026-11-22 00:00:00'),
      ('admin', 'outreach:invitation:approve', '2026-11-22 00:00:00'),
      ('admin', 'outreach:history:view', '2026-11-22 00:00:00'),
      ('admin', 'compliance:manage', '2026-11-22 00:00:00'),
      ('admin', 'customer:view', '2026-11-22 00:00:00'),
      ('admin', 'customer:edit', '2026-11-22 00:00:00'),
      ('admin', 'customer:segment', '2026-11-22 00:00:00'),
      ('admin', 'customer:campaign:create', '2026-11-22 00:00:00'),
      ('admin', 'customer:campaign:approve', '2026-11-22 00:00:00'),
      ('admin', 'customer:upgrade:execute', '2026-11-22 00:00:00'),
      ('admin', 'sales:status:set', '2026-11-22 00:00:00'),
      ('admin', 'sales:status:view', '2026-11-22 00:00:00'),
      ('admin', 'telephony:calls:view', '2026-11-22 00:00:00'),
      ('admin', 'telephony:rules:manage', '2026-11-22 00:00:00'),
      ('admin', 'jobs:view', '2026-11-22 00:00:00'),
      ('admin', 'staff:manage', '2026-11-22 00:00:00'),
      ('admin', 'audit:view', '2026-11-22 00:00:00');`);
  }

  override down(): void | Promise<void> {
    this.addSql(`drop table if exists \`audit_log\`;`);
    this.addSql(`drop table if exists \`role_permissions\`;`);
    this.addSql(`drop table if exists \`staff\`;`);

  }

}
