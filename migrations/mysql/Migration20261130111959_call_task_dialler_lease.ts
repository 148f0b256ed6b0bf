import { Migration } from '@mikro-orm/migrations';

export class Migration20261130111959_call_task_dialler_lease extends Migration {

  override name = 'Migration20261130111959_call_task_dialler_lease';

  override up(): void | Promise<void> {
    this.addSql(`alter table \`t_call_task\` add \`dialler_owner\` varchar(100) null, add \`dialler_lease_until\` datetime null;`);
  }

  override down(): void | Promise<void> {
    this.addSql(`alter table \`t_call_task\` drop column \`dialler_owner\`, drop column \`dialler_lease_until\`;`);
  }

}
