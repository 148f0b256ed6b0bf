import { Migration } from '@mikro-orm/migrations';

export class Migration20261130052212_customer_data_api extends Migration {

  override name = 'Migration20261130052212_customer_data_api';

  override up(): void | Promise<void> {
    this.addSql(`create table \`customer_mobile_claims\` (\`mobile\` text not null primary key, \`customer_id\` text not null, \`claimed_at\` datetime not null, constraint \`customer_mobile_claims_customer_id_foreign\` foreign key (\`customer_id\`) references \`customers\` (\`id\`) on delete cascade);`);
    this.addSql(`create index \`customer_mobile_claims_customer_id_index\` on \`customer_mobile_claims\` (\`customer_id\`);`);
    // Permissions for customers, events and members by API (src/domain/auth/permissions.ts).
    this.addSql(`insert into \`role_permissions\` (\`role\`, \`permission\`, \`granted_at\`) values ('sales', 'customer:create', '2026-11-30 00:00:00'), ('manager', 'customer:create', '2026-11-30 00:00:00'), ('manager', 'customer:merge', '2026-11-30 00:00:00'), ('manager', 'event:edit', '2026-11-30 00:00:00'), ('manager', 'member:edit', '2026-11-30 00:00:00'), ('admin', 'customer:create', '2026-11-30 00:00:00'), ('admin', 'customer:merge', '2026-11-30 00:00:00'), ('admin', 'event:edit', '2026-11-30 00:00:00'), ('admin', 'member:edit', '2026-11-30 00:00:00');`);
  }

  override down(): void | Promise<void> {
    this.addSql(`delete from \`role_permissions\` where \`permission\` in ('customer:create', 'customer:merge', 'event:edit', 'member:edit');`);
    this.addSql(`drop table if exists \`customer_mobile_claims\`;`);
  }

}
