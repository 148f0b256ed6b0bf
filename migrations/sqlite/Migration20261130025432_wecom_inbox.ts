import { Migration } from '@mikro-orm/migrations';

export class Migration20261130025432_wecom_inbox extends Migration {

  override name = 'Migration20261130025432_wecom_inbox';

  override up(): void | Promise<void> {
    this.addSql(`alter table \`wecom_callback_receipts\` add column \`payload\` json null;`);
    this.addSql(`alter table \`wecom_callback_receipts\` add column \`leased_until\` datetime null;`);
    this.addSql(`alter table \`wecom_callback_receipts\` add column \`attempts\` integer not null default 0;`);
    this.addSql(`alter table \`wecom_callback_receipts\` add column \`processed_at\` datetime null;`);
    this.addSql(`create index \`wecom_callback_receipts_processed_at_index\` on \`wecom_callback_receipts\` (\`processed_at\`);`);
  }

  override down(): void | Promise<void> {
    this.addSql(`drop index \`wecom_callback_receipts_processed_at_index\`;`);
    this.addSql(`alter table \`wecom_callback_receipts\` drop column \`payload\`;`);
    this.addSql(`alter table \`wecom_callback_receipts\` drop column \`leased_until\`;`);
    this.addSql(`alter table \`wecom_callback_receipts\` drop column \`attempts\`;`);
    this.addSql(`alter table \`wecom_callback_receipts\` drop column \`processed_at\`;`);
  }

}
