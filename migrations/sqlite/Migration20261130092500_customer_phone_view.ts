import { Migration } from '@mikro-orm/migrations';

export class Migration20261130092500_customer_phone_view extends Migration {

  override name = 'Migration20261130092500_customer_phone_view';

  override up(): void | Promise<void> {
    // customer:phone:view: a customer's (and its contacts') full numbers in the customer detail view; lists always mask.
    this.addSql(`insert into \`role_permissions\` (\`role\`, \`permission\`, \`granted_at\`) values ('manager', 'customer:phone:view', '2026-11-30 00:00:00'), ('admin', 'customer:phone:view', '2026-11-30 00:00:00');`);
  }

  override down(): void | Promise<void> {
    this.addSql(`delete from \`role_permissions\` where \`permission\` = 'customer:phone:view';`);
  }

}
