import { Migration } from '@mikro-orm/migrations';

export class Migration20261122033617_sms_batch_claims extends Migration {

  override name = 'Migration20261122033617_sms_batch_claims';

  override up(): void | Promise<void> {

    this.addSql(`alter table \`sms_batches\` add \`params\` json not null default ('[]'), add \`audience\` json null;`);

    this.addSql(`alter table \`sms_batch_recipients\` add \`request_id\` varchar(64) null;`);
    this.addSql(`alter table \`sms_batch_recipients\` add unique \`sms_batch_recipients_message_id_unique\` (\`message_id\`);`);
    this.addSql(`alter table \`sms_batch_recipients\` add index \`sms_batch_recipients_request_id_index\` (\`request_id\`);`);
  }

  override down(): void | Promise<void> {

    this.addSql(`alter table \`sms_batch_recipients\` drop index \`sms_batch_recipients_message_id_unique\`;`);
    this.addSql(`alter table \`sms_batch_recipients\` drop index \`sms_batch_recipients_request_id_index\`;`);
    this.addSql(`alter table \`sms_batch_recipients\` drop column \`request_id\`;`);

    this.addSql(`alter table \`sms_batches\` drop column \`params\`, drop column \`audience\`;`);
  }

}
