import { Migration } from '@mikro-orm/migrations';

export class Migration20261122033215_outreach_compliance extends Migration {

  override name = 'Migration20261122033215_outreach_compliance';

  override up(): void | Promise<void> {
    this.addSql(`create table \`compliance_decisions\` (\`id\` integer not null primary key autoincrement, \`phone\` text null, \`phone_last8\` text null, \`raw_number\` text null, \`channel\` text check (\`channel\` in ('sms', 'call', 'wechat', 'email')) not null, \`purpose\` text check (\`purpose\` in ('marketing', 'service')) not null, \`outcome\` text check (\`outcome\` in ('refused', 'deferred')) not null, \`reason\` text check (\`reason\` in ('OPTED_OUT', 'NO_CONSENT', 'QUIET_HOURS', 'FREQUENCY_CAP', 'BLACKLISTED', 'INVALID_NUMBER')) not null, \`deferred_until\` datetime null, \`subject_type\` text not null, \`subject_id\` text null, \`created_at\` datetime not null);`);
    this.addSql(`create index \`compliance_decisions_phone_last8_index\` on \`compliance_decisions\` (\`phone_last8\`);`);
    this.addSql(`create index \`compliance_decisions_reason_index\` on \`compliance_decisions\` (\`reason\`);`);
    this.addSql(`create index \`compliance_decisions_created_at_index\` on \`compliance_decisions\` (\`created_at\`);`);
    this.addSql(`create index \`compliance_decisions_subject_type_subject_id_index\` on \`compliance_decisions\` (\`subject_type\`, \`subject_id\`);`);

    this.addSql(`alter table \`sms_logs\` add column \`request_id\` text null;`);
    this.addSql(`create index \`sms_logs_request_id_index\` on \`sms_logs\` (\`request_id\`);`);
    this.addSql(`create index \`sms_logs_serial_no_index\` on \`sms_logs\` (\`serial_no\`);`);

    this.addSql(`alter table \`invitations\` add column \`created_by\` integer null constraint \`invitations_created_by_foreign\` references \`staff\` (\`id\`) on delete set null;`);
    this.addSql(`create index \`invitations_created_by_index\` on \`invitations\` (\`created_by\`);`);

    this.addSql(`pragma foreign_keys = off;`);
    this.addSql(`create table \`contact_history__temp_alter\` (\`id\` integer not null primary key autoincrement, \`customer_id\` text null, \`phone\` text null, \`phone_last8\` text null, \`channel\` text check (\`channel\` in ('sms', 'call', 'wechat', 'email')) not null, \`type\` text check (\`type\` in ('follow_up', 'invitation', 'reminder', 'survey')) not null, \`content\` text not null, \`status\` text not null, \`result\` text null, \`created_at\` datetime not null, \`created_by\` integer null, constraint \`contact_history_customer_id_foreign\` foreign key (\`customer_id\`) references \`customers\` (\`id\`) on delete cascade, constraint \`contact_history_created_by_foreign\` foreign key (\`created_by\`) references \`staff\` (\`id\`) on delete set null);`);
    this.addSql(`insert into \`contact_history__temp_alter\` select \`id\`, \`customer_id\`, null as \`phone\`, null as \`phone_last8\`, \`channel\`, \`type\`, \`content\`, \`status\`, \`result\`, \`created_at\`, \`created_by\` from \`contact_history\`;`);
    this.addSql(`drop table \`contact_history\`;`);
    this.addSql(`alter table \`contact_history__temp_alter\` rename to \`contact_history\`;`);
    this.addSql(`create index \`contact_history_customer_id_index\` on \`contact_history\` (\`customer_id\`);`);
    this.addSql(`create index \`contact_history_phone_last8_index\` on \`contact_history\` (\`phone_last8\`);`);
    this.addSql(`create index \`contact_history_channel_index\` on \`contact_history\` (\`channel\`);`);
    this.addSql(`create index \`contact_history_type_index\` on \`contact_history\` (\`type\`);`);
    this.addSql(`create index \`contact_history_created_at_index\` on \`contact_history\` (\`created_at\`);`);
    this.addSql(`create index \`contact_history_created_by_index\` on \`contact_history\` (\`created_by\`);`);
    this.addSql(`create index \`contact_history_customer_id_created_at_index\` on \`contact_history\` (\`customer_id\`, \`created_at\`);`);
    this.addSql(`pragma foreign_keys = on;`);
  }

  override down(): void | Promise<void> {
    this.addSql(`drop table if exists \`compliance_decisions\`;`);

    this.addSql(`pragma foreign_keys = off;`);
    this.addSql(`create table \`contact_history__temp_alter\` (\`channel\` text check (\`channel\` in ('sms', 'call', 'wechat', 'email')) not null, \`content\` text not null, \`created_at\` datetime not null, \`created_by\` integer null, \`customer_id\` text not null, \`id\` integer not null primary key autoincrement, \`result\` text null, \`status\` text not null, \`type\` text check (\`type\` in ('follow_up', 'invitation', 'reminder', 'survey')) not null, constraint \`contact_history_created_by_foreign\` foreign key (\`created_by\`) references \`staff\` (\`id\`) on delete set null, constraint \`contact_history_customer_id_foreign\` foreign key (\`customer_id\`) references \`customers\` (\`id\`) on delete cascade);`);
    this.addSql(`insert into \`contact_history__temp_alter\` select \`channel\`, \`content\`, \`created_at\`, \`created_by\`, \`customer_id\`, \`id\`, \`result\`, \`status\`, \`type\` from \`contact_history\`;`);
    this.addSql(`drop table \`contact_history\`;`);
    this.addSql(`alter table \`contact_history__temp_alter\` rename to \`contact_history\`;`);
    this.addSql(`create index \`contact_history_channel_index\` on \`contact_history\` (\`channel\`);`);
    this.addSql(`create index \`contact_history_created_at_index\` on \`contact_history\` (\`created_at\`);`);
    this.addSql(`create index \`contact_history_created_by_index\` on \`contact_history\` (\`created_by\`);`);
    this.addSql(`create index \`contact_history_customer_id_created_at_index\` on \`contact_history\` (\`customer_id\`, \`created_at\`);`);
    this.addSql(`create index \`contact_history_customer_id_index\` on \`contact_history\` (\`customer_id\`);`);
    this.addSql(`create index \`contact_history_type_index\` on \`contact_history\` (\`type\`);`);
    this.addSql(`pragma foreign_keys = on;`);

    this.addSql(`drop index \`invitations_created_by_index\`;`);
    this.addSql(`alter table \`invitations\` drop column \`created_by\`;`);

    this.addSql(`drop index \`sms_logs_request_id_index\`;`);
    this.addSql(`drop index \`sms_logs_serial_no_index\`;`);
    this.addSql(`alter table \`sms_logs\` drop column \`request_id\`;`);
  }

}
