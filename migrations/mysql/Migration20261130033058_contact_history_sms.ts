import { Migration } from '@mikro-orm/migrations';

export class Migration20261130033058_contact_history_sms extends Migration {

  override name = 'Migration20261130033058_contact_history_sms';

  override up(): void | Promise<void> {
    this.addSql(`alter table \`contact_history\` add \`sms_message_id\` varchar(100) null;`);
    this.addSql(`alter table \`contact_history\` add index \`contact_history_sms_message_id_index\` (\`sms_message_id\`);`);
  }

  override down(): void | Promise<void> {
    this.addSql(`alter table \`contact_history\` drop index \`contact_history_sms_message_id_index\`;`);
    this.addSql(`alter table \`contact_history\` drop column \`sms_message_id\`;`);
  }

}
