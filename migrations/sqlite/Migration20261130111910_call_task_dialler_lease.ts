import { Migration } from '@mikro-orm/migrations';

export class Migration20261130111910_call_task_dialler_lease extends Migration {

  override name = 'Migration20261130111910_call_task_dialler_lease';

  override up(): void | Promise<void> {
    this.addSql(`alter table \`t_call_task\` add column \`dialler_owner\` text null;`);
    this.addSql(`alter table \`t_call_task\` add column \`dialler_lease_until\` datetime null;`);
  }

  override down(): void | Promise<void> {
    this.addSql(`alter table \`t_call_task\` drop column \`dialler_owner\`;`);
    this.addSql(`alter table \`t_call_task\` drop column \`dialler_lease_until\`;`);
  }

}
