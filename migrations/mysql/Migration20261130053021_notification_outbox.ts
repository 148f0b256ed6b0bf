import { Migration } from '@mikro-orm/migrations';

export class Migration20261130053021_notification_outbox extends Migration {

  override name = 'Migration20261130053021_notification_outbox';

  override up(): void | Promise<void> {
    this.addSql(`create table \`notification_outbox\` (\`id\` int unsigned not null auto_increment primary key, \`staff_id\` int not null, \`kind\` varchar(32) not null, \`payload\` json not null, \`status\` enum('pending','sent','failed') not null default 'pending', \`attempts\` int not null default 0, \`next_attempt_at\` datetime not null, \`leased_until\` datetime null, \`lease_token\` varchar(36) null, \`last_error\` varchar(500) null, \`transport\` varchar(16) null, \`created_at\` datetime not null, \`sent_at\` datetime null) default character set utf8mb4 engine = InnoDB;`);
    this.addSql(`alter table \`notification_outbox\` add index \`notification_outbox_status_next_attempt_at_index\` (\`status\`, \`next_attempt_at\`);`);
    this.addSql(`alter table \`notification_outbox\` add index \`notification_outbox_lease_token_index\` (\`lease_token\`);`);
  }

  override down(): void | Promise<void> {
    this.addSql(`drop table if exists \`notification_outbox\`;`);
  }

}
