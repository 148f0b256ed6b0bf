import { Migration } from '@mikro-orm/migrations';

export class Migration20261130025500_wecom_inbox extends Migration {

  override name = 'Migration20261130025500_wecom_inbox';

  override up(): void | Promise<void> {
    this.addSql(`alter table \`wecom_callback_receipts\` add \`payload\` json null, add \`leased_until\` datetime null, add \`attempts\` int not null default 0, add \`processed_at\` datetime null;`);
    this.addSql(`alter table \`wecom_callback_receipts\` add index \`wecom_callback_receipts_processed_at_index\` (\`processed_at\`);`);
  }

  override down(): void | Promise<void> {
    this.addSql(`alter table \`wecom_callback_receipts\` drop index \`wecom_callback_receipts_processed_at_index\`;`);
    this.addSql(`alter table \`wecom_callback_receipts\` drop column \`payload\`, drop column \`leased_until\`, drop column \`attempts\`, drop column \`processed_at\`;`);
  }

}
