import { Migration } from '@mikro-orm/migrations';

export class Migration20261130125935_notification_outbox_ref extends Migration {

  override name = 'Migration20261130125935_notification_outbox_ref';

  override up(): void | Promise<void> {
    this.addSql(`alter table \`notification_outbox\` add \`ref\` varchar(64) null;`);
    this.addSql(`alter table \`notification_outbox\` add index \`notification_outbox_ref_index\` (\`ref\`);`);
  }

  override down(): void | Promise<void> {
    this.addSql(`alter table \`notification_outbox\` drop index \`notification_outbox_ref_index\`;`);
    this.addSql(`alter table \`notification_outbox\` drop column \`ref\`;`);
  }

}
