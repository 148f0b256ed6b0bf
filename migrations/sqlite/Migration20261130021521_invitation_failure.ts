import { Migration } from '@mikro-orm/migrations';

export class Migration20261130021521_invitation_failure extends Migration {

  override name = 'Migration20261130021521_invitation_failure';

  override up(): void | Promise<void> {
    this.addSql(`pragma foreign_keys = off;`);
    this.addSql(`create table \`invitations__temp_alter\` (\`id\` text not null primary key, \`customer_id\` text not null, \`event_id\` text not null, \`event_name\` text not null, \`event_date\` datetime not null, \`content\` text not null, \`incentive\` text null, \`channel\` text check (\`channel\` in ('sms', 'call', 'wechat', 'email')) not null, \`status\` text check (\`status\` in ('draft', 'pending_approval', 'approved', 'rejected', 'sent', 'failed', 'opened', 'accepted', 'declined', 'expired')) not null default 'draft', \`open_key\` text null, \`created_by\` integer null, \`approved_by\` integer null, \`approved_at\` datetime null, \`rejected_reason\` text null, \`sent_at\` datetime null, \`failure_reason\` text null, \`failed_at\` datetime null, \`responded_at\` datetime null, \`response\` text check (\`response\` in ('interested', 'maybe', 'not_interested')) null, \`created_at\` datetime not null, \`updated_at\` datetime not null, constraint \`invitations_customer_id_foreign\` foreign key (\`customer_id\`) references \`customers\` (\`id\`) on delete cascade, constraint \`invitations_event_id_foreign\` foreign key (\`event_id\`) references \`events\` (\`id\`), constraint \`invitations_created_by_foreign\` foreign key (\`created_by\`) references \`staff\` (\`id\`) on delete set null, constraint \`invitations_approved_by_foreign\` foreign key (\`approved_by\`) references \`staff\` (\`id\`) on delete set null);`);
    this.addSql(`insert into \`invitations__temp_alter\` select \`id\`, \`customer_id\`, \`event_id\`, \`event_name\`, \`event_date\`, \`content\`, \`incentive\`, \`channel\`, \`status\`, \`open_key\`, \`created_by\`, \`approved_by\`, \`approved_at\`, \`rejected_reason\`, \`sent_at\`, null as \`failure_reason\`, null as \`failed_at\`, \`responded_at\`, \`response\`, \`created_at\`, \`updated_at\` from \`invitations\`;`);
    this.addSql(`drop table \`invitations\`;`);
    this.addSql(`alter table \`invitations__temp_alter\` rename to \`invitations\`;`);
    this.addSql(`create index \`invitations_customer_id_index\` on \`invitations\` (\`customer_id\`);`);
    this.addSql(`create index \`invitations_event_id_index\` on \`invitations\` (\`event_id\`);`);
    this.addSql(`create index \`invitations_status_index\` on \`invitations\` (\`status\`);`);
    this.addSql(`create unique index \`invitations_open_key_unique\` on \`invitations\` (\`open_key\`);`);
    this.addSql(`create index \`invitations_created_by_index\` on \`invitations\` (\`created_by\`);`);
    this.addSql(`create index \`invitations_approved_by_index\` on \`invitations\` (\`approved_by\`);`);
    this.addSql(`pragma foreign_keys = on;`);
  }

  override down(): void | Promise<void> {
    this.addSql(`pragma foreign_keys = off;`);
    this.addSql(`create table \`invitations__temp_alter\` (\`approved_at\` datetime null, \`approved_by\` integer null, \`channel\` text check (\`channel\` in ('sms', 'call', 'wechat', 'email')) not null, \`content\` text not null, \`created_at\` datetime not null, \`created_by\` integer null, \`customer_id\` text not null, \`event_date\` datetime not null, \`event_id\` text not null, \`event_name\` text not null, \`id\` text not null primary key, \`incentive\` text null, \`open_key\` text null, \`rejected_reason\` text null, \`responded_at\` datetime null, \`response\` text check (\`response\` in ('interested', 'maybe', 'not_interested')) null, \`sent_at\` datetime null, \`status\` text check (\`status\` in ('draft', 'pending_approval', 'approved', 'rejected', 'sent', 'opened', 'accepted', 'declined', 'expired')) not null default 'draft', \`updated_at\` datetime not null, constraint \`invitations_approved_by_foreign\` foreign key (\`approved_by\`) references \`staff\` (\`id\`) on delete set null, constraint \`invitations_created_by_foreign\` foreign key (\`created_by\`) references \`staff\` (\`id\`) on delete set null, constraint \`invitations_customer_id_foreign\` foreign key (\`customer_id\`) references \`customers\` (\`id\`) on delete cascade, constraint \`invitations_event_id_foreign\` foreign key (\`event_id\`) references \`events\` (\`id\`));`);
    this.addSql(`insert into \`invitations__temp_alter\` select \`approved_at\`, \`approved_by\`, \`channel\`, \`content\`, \`created_at\`, \`created_by\`, \`customer_id\`, \`event_date\`, \`event_id\`, \`event_name\`, \`id\`, \`incentive\`, \`open_key\`, \`rejected_reason\`, \`responded_at\`, \`response\`, \`sent_at\`, \`status\`, \`updated_at\` from \`invitations\`;`);
    this.addSql(`drop table \`invitations\`;`);
    this.addSql(`alter table \`invitations__temp_alter\` rename to \`invitations\`;`);
    this.addSql(`create index \`invitations_approved_by_index\` on \`invitations\` (\`approved_by\`);`);
    this.addSql(`create index \`invitations_created_by_index\` on \`invitations\` (\`created_by\`);`);
    this.addSql(`create index \`invitations_customer_id_index\` on \`invitations\` (\`customer_id\`);`);
    this.addSql(`create index \`invitations_event_id_index\` on \`invitations\` (\`event_id\`);`);
    this.addSql(`create unique index \`invitations_open_key_unique\` on \`invitations\` (\`open_key\`);`);
    this.addSql(`create index \`invitations_status_index\` on \`invitations\` (\`status\`);`);
    this.addSql(`pragma foreign_keys = on;`);
  }

}
