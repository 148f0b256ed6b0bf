import { Migration } from '@mikro-orm/migrations';

export class Migration20261130125906_notification_outbox_ref extends Migration {

  override name = 'Migration20261130125906_notification_outbox_ref';

  override up(): void | Promise<void> {
    this.addSql(`alter table \`notification_outbox\` add column \`ref\` text null;`);
    this.addSql(`create index \`notification_outbox_ref_index\` on \`notification_outbox\` (\`ref\`);`);
  }

  override down(): void | Promise<void> {
    this.addSql(`drop index \`notification_outbox_ref_index\`;`);
    this.addSql(`alter table \`notification_outbox\` drop column \`ref\`;`);
  }

}
