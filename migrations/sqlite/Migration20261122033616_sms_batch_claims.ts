import { Migration } from '@mikro-orm/migrations';

export class Migration20261122033616_sms_batch_claims extends Migration {

  override name = 'Migration20261122033616_sms_batch_claims';

  override up(): void | Promise<void> {

    this.addSql(`alter table \`sms_batches\` add column \`params\` json not null default '[]';`);
    this.addSql(`alter table \`sms_batches\` add column \`audience\` json null;`);

    this.addSql(`alter table \`sms_batch_recipients\` add column \`request_id\` text null;`);
    this.addSql(`create unique index \`sms_batch_recipients_message_id_unique\` on \`sms_batch_recipients\` (\`message_id\`);`);
    this.addSql(`create index \`sms_batch_recipients_request_id_index\` on \`sms_batch_recipients\` (\`request_id\`);`);
  }

  override down(): void | Promise<void> {

    this.addSql(`drop index \`sms_batch_recipients_message_id_unique\`;`);
    this.addSql(`drop index \`sms_batch_recipients_request_id_index\`;`);
    this.addSql(`alter table \`sms_batch_recipients\` drop column \`request_id\`;`);

    this.addSql(`alter table \`sms_batches\` drop column \`params\`;`);
    this.addSql(`alter table \`sms_batches\` drop column \`audience\`;`);
  }

}
