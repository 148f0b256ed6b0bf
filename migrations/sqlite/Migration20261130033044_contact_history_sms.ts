import { Migration } from '@mikro-orm/migrations';

export class Migration20261130033044_contact_history_sms extends Migration {

  override name = 'Migration20261130033044_contact_history_sms';

  override up(): void | Promise<void> {
    this.addSql(`alter table \`contact_history\` add column \`sms_message_id\` text null;`);
    this.addSql(`create index \`contact_history_sms_message_id_index\` on \`contact_history\` (\`sms_message_id\`);`);
  }

  override down(): void | Promise<void> {
    this.addSql(`drop index \`contact_history_sms_message_id_index\`;`);
    this.addSql(`alter table \`contact_history\` drop column \`sms_message_id\`;`);
  }

}
