import { Migration } from '@mikro-orm/migrations';

export class Migration20261122033311_chat_ops extends Migration {

  override name = 'Migration20261122033311_chat_ops';

  override up(): void | Promise<void> {
    this.addSql(`create table \`wecom_callback_receipts\` (\`id\` integer not null primary key autoincrement, \`kind\` text check (\`kind\` in ('nonce', 'message')) not null, \`receipt_key\` text not null, \`expires_at\` datetime not null);`);
    this.addSql(`create index \`wecom_callback_receipts_expires_at_index\` on \`wecom_callback_receipts\` (\`expires_at\`);`);
    this.addSql(`create unique index \`wecom_callback_receipts_kind_receipt_key_unique\` on \`wecom_callback_receipts\` (\`kind\`, \`receipt_key\`);`);

    this.addSql(`create table \`miniapp_identities\` (\`id\` integer not null primary key autoincrement, \`open_id\` text not null, \`union_id\` text null, \`session_key\` text not null, \`customer_id\` text null, \`staff_id\` integer null, \`last_login_at\` datetime not null, \`created_at\` datetime not null, \`updated_at\` datetime not null, constraint \`miniapp_identities_customer_id_foreign\` foreign key (\`customer_id\`) references \`customers\` (\`id\`) on delete set null, constraint \`miniapp_identities_staff_id_foreign\` foreign key (\`staff_id\`) references \`staff\` (\`id\`) on delete set null);`);
    this.addSql(`create unique index \`miniapp_identities_open_id_unique\` on \`miniapp_identities\` (\`open_id\`);`);
    this.addSql(`create index \`miniapp_identities_customer_id_index\` on \`miniapp_identities\` (\`customer_id\`);`);
    this.addSql(`create index \`miniapp_identities_staff_id_index\` on \`miniapp_identities\` (\`staff_id\`);`);

    this.addSql(`create table \`binding_codes\` (\`id\` integer not null primary key autoincrement, \`code_hash\` text not null, \`purpose\` text check (\`purpose\` in ('staff', 'customer')) not null, \`staff_id\` integer null, \`customer_id\` text null, \`issued_by\` integer null, \`expires_at\` datetime not null, \`used_at\` datetime null, \`used_by\` text null, \`created_at\` datetime not null, constraint \`binding_codes_staff_id_foreign\` foreign key (\`staff_id\`) references \`staff\` (\`id\`) on delete cascade, constraint \`binding_codes_customer_id_foreign\` foreign key (\`customer_id\`) references \`customers\` (\`id\`) on delete cascade, constraint \`binding_codes_issued_by_foreign\` foreign key (\`issued_by\`) references \`staff\` (\`id\`) on delete set null);`);
    this.addSql(`create unique index \`binding_codes_code_hash_unique\` on \`binding_codes\` (\`code_hash\`);`);
    this.addSql(`create index \`binding_codes_staff_id_index\` on \`binding_codes\` (\`staff_id\`);`);
    this.addSql(`create index \`binding_codes_customer_id_index\` on \`binding_codes\` (\`customer_id\`);`);
    this.addSql(`create index \`binding_codes_issued_by_index\` on \`binding_codes\` (\`issued_by\`);`);
    this.addSql(`create index \`binding_codes_expires_at_index\` on \`binding_codes\` (\`expires_at\`);`);

    this.addSql(`alter table \`campaigns\` add column \`submitted_at\` datetime null;`);
  }

  override down(): void | Promise<void> {
    this.addSql(`drop table if exists \`wecom_callback_receipts\`;`);
    this.addSql(`drop table if exists \`miniapp_identities\`;`);
    this.addSql(`drop table if exists \`binding_codes\`;`);

    this.addSql(`alter table \`campaigns\` drop column \`submitted_at\`;`);
  }

}
