import { Migration } from '@mikro-orm/migrations';

export class Migration20261122033311_chat_ops extends Migration {

  override name = 'Migration20261122033311_chat_ops';

  override up(): void | Promise<void> {
    this.addSql(`create table \`wecom_callback_receipts\` (\`id\` int unsigned not null auto_increment primary key, \`kind\` enum('nonce','message') not null, \`receipt_key\` varchar(128) not null, \`expires_at\` datetime not null) default character set utf8mb4 engine = InnoDB;`);
    this.addSql(`alter table \`wecom_callback_receipts\` add index \`wecom_callback_receipts_expires_at_index\` (\`expires_at\`);`);
    this.addSql(`alter table \`wecom_callback_receipts\` add unique \`wecom_callback_receipts_kind_receipt_key_unique\` (\`kind\`, \`receipt_key\`);`);

    this.addSql(`create table \`miniapp_identities\` (\`id\` int unsigned not null auto_increment primary key, \`open_id\` varchar(64) not null, \`union_id\` varchar(64) null, \`session_key\` varchar(128) not null, \`customer_id\` varchar(64) null, \`staff_id\` int unsigned null, \`last_login_at\` datetime not null, \`created_at\` datetime not null, \`updated_at\` datetime not null) default character set utf8mb4 engine = InnoDB;`);
    this.addSql(`alter table \`miniapp_identities\` add unique \`miniapp_identities_open_id_unique\` (\`open_id\`);`);
    this.addSql(`alter table \`miniapp_identities\` add index \`miniapp_identities_customer_id_index\` (\`customer_id\`);`);
    this.addSql(`alter table \`miniapp_identities\` add index \`miniapp_identities_staff_id_index\` (\`staff_id\`);`);

    this.addSql(`create table \`binding_codes\` (\`id\` int unsigned not null auto_increment primary key, \`code_hash\` varchar(64) not null, \`purpose\` enum('staff','customer') not null, \`staff_id\` int unsigned null, \`customer_id\` varchar(64) null, \`issued_by\` int unsigned null, \`expires_at\` datetime not null, \`used_at\` datetime null, \`used_by\` varchar(128) null, \`created_at\` datetime not null) default character set utf8mb4 engine = InnoDB;`);
    this.addSql(`alter table \`binding_codes\` add unique \`binding_codes_code_hash_unique\` (\`code_hash\`);`);
    this.addSql(`alter table \`binding_codes\` add index \`binding_codes_staff_id_index\` (\`staff_id\`);`);
    this.addSql(`alter table \`binding_codes\` add index \`binding_codes_customer_id_index\` (\`customer_id\`);`);
    this.addSql(`alter table \`binding_codes\` add index \`binding_codes_issued_by_index\` (\`issued_by\`);`);
    this.addSql(`alter table \`binding_codes\` add index \`binding_codes_expires_at_index\` (\`expires_at\`);`);

    this.addSql(`alter table \`campaigns\` add \`submitted_at\` datetime null;`);

    this.addSql(`alter table \`miniapp_identities\` add constraint \`miniapp_identities_customer_id_foreign\` foreign key (\`customer_id\`) references \`customers\` (\`id\`) on delete set null;`);
    this.addSql(`alter table \`miniapp_identities\` add constraint \`miniapp_identities_staff_id_foreign\` foreign key (\`staff_id\`) references \`staff\` (\`id\`) on delete set null;`);

    this.addSql(`alter table \`binding_codes\` add constraint \`binding_codes_staff_id_foreign\` foreign key (\`staff_id\`) references \`staff\` (\`id\`) on delete cascade;`);
    this.addSql(`alter table \`binding_codes\` add constraint \`binding_codes_customer_id_foreign\` foreign key (\`customer_id\`) references \`customers\` (\`id\`) on delete cascade;`);
    this.addSql(`alter table \`binding_codes\` add constraint \`binding_codes_issued_by_foreign\` foreign key (\`issued_by\`) references \`staff\` (\`id\`) on delete set null;`);
  }

  override down(): void | Promise<void> {
    this.addSql(`drop table if exists \`wecom_callback_receipts\`;`);
    this.addSql(`drop table if exists \`miniapp_identities\`;`);
    this.addSql(`drop table if exists \`binding_codes\`;`);

    this.addSql(`alter table \`campaigns\` drop column \`submitted_at\`;`);
  }

}
