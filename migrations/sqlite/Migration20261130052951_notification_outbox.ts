import { Migration } from '@mikro-orm/migrations';

export class Migration20261130052951_notification_outbox extends Migration {

  override name = 'Migration20261130052951_notification_outbox';

  override up(): void | Promise<void> {
    this.addSql(`create table \`notification_outbox\` (\`id\` integer not null primary key autoincrement, \`staff_id\` integer not null, \`kind\` text not null, \`payload\` json not null, \`status\` text check (\`status\` in ('pending', 'sent', 'failed')) not null default 'pending', \`attempts\` integer not null default 0, \`next_attempt_at\` datetime not null, \`leased_until\` datetime null, \`lease_token\` text null, \`last_error\` text null, \`transport\` text null, \`created_at\` datetime not null, \`sent_at\` datetime null);`);
    this.addSql(`create index \`notification_outbox_status_next_attempt_at_index\` on \`notification_outbox\` (\`status\`, \`next_attempt_at\`);`);
    this.addSql(`create index \`notification_outbox_lease_token_index\` on \`notification_outbox\` (\`lease_token\`);`);
  }

  override down(): void | Promise<void> {
    this.addSql(`drop table if exists \`notification_outbox\`;`);
  }

}
