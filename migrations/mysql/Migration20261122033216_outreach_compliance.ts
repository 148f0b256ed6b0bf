import { Migration } from '@mikro-orm/migrations';

export class Migration20261122033216_outreach_compliance extends Migration {

  override name = 'Migration20261122033216_outreach_compliance';

  override up(): void | Promise<void> {
    this.addSql(`create table \`compliance_decisions\` (\`id\` int unsigned not null auto_increment primary key, \`phone\` varchar(20) null, \`phone_last8\` varchar(8) null, \`raw_number\` varchar(40) null, \`channel\` enum('sms','call','wechat','email') not null, \`purpose\` enum('marketing','service') not null, \`outcome\` enum('refused','deferred') not null, \`reason\` enum('OPTED_OUT','NO_CONSENT','QUIET_HOURS','FREQUENCY_CAP','BLACKLISTED','INVALID_NUMBER') not null, \`deferred_until\` datetime null, \`subject_type\` varchar(32) not null, \`subject_id\` varchar(64) null, \`created_at\` datetime not null) default character set utf8mb4 engine = InnoDB;`);
    this.addSql(`alter table \`compliance_decisions\` add index \`compliance_decisions_phone_last8_index\` (\`phone_last8\`);`);
    this.addSql(`alter table \`compliance_decisions\` add index \`compliance_decisions_reason_index\` (\`reason\`);`);
    this.addSql(`alter table \`compliance_decisions\` add index \`compliance_decisions_created_at_index\` (\`created_at\`);`);
    this.addSql(`alter table \`compliance_decisions\` add index \`compliance_decisions_subject_type_subject_id_index\` (\`subject_type\`, \`subject_id\`);`);

    this.addSql(`alter table \`sms_logs\` add \`request_id\` varchar(64) null;`);
    this.addSql(`alter table \`sms_logs\` add index \`sms_logs_request_id_index\` (\`request_id\`);`);
    this.addSql(`alter table \`sms_logs\` add index \`sms_logs_serial_no_index\` (\`serial_no\`);`);

    this.addSql(`alter table \`invitations\` add \`created_by\` int unsigned null;`);
    this.addSql(`alter table \`invitations\` add constraint \`invitations_created_by_foreign\` foreign key (\`created_by\`) references \`staff\` (\`id\`) on delete set null;`);
    this.addSql(`alter table \`invitations\` add index \`invitations_created_by_index\` (\`created_by\`);`);

    this.addSql(`alter table \`contact_history\` add \`phone\` varchar(20) null, add \`phone_last8\` varchar(8) null;`);
    this.addSql(`alter table \`contact_history\` modify \`customer_id\` varchar(64) null;`);
    this.addSql(`alter table \`contact_history\` add index \`contact_history_phone_last8_index\` (\`phone_last8\`);`);
  }

  override down(): void | Promise<void> {
    this.addSql(`drop table if exists \`compliance_decisions\`;`);

    this.addSql(`alter table \`invitations\` drop foreign key \`invitations_created_by_foreign\`;`);

    this.addSql(`alter table \`contact_history\` drop index \`contact_history_phone_last8_index\`;`);
    this.addSql(`alter table \`contact_history\` drop column \`phone\`, drop column \`phone_last8\`;`);
    this.addSql(`alter table \`contact_history\` modify \`customer_id\` varchar(64) not null;`);

    this.addSql(`alter table \`invitations\` drop index \`invitations_created_by_index\`;`);
    this.addSql(`alter table \`invitations\` drop column \`created_by\`;`);

    this.addSql(`alter table \`sms_logs\` drop index \`sms_logs_request_id_index\`;`);
    this.addSql(`alter table \`sms_logs\` drop index \`sms_logs_serial_no_index\`;`);
    this.addSql(`alter table \`sms_logs\` drop column \`request_id\`;`);
  }

}
