import { Migration } from '@mikro-orm/migrations';

export class Migration20261130083857_call_task_completion_card extends Migration {

  override name = 'Migration20261130083857_call_task_completion_card';

  override up(): void | Promise<void> {
    this.addSql(`alter table \`t_call_task\` add \`completion_card_at\` datetime null;`);
  }

  override down(): void | Promise<void> {
    this.addSql(`alter table \`t_call_task\` drop column \`completion_card_at\`;`);
  }

}
