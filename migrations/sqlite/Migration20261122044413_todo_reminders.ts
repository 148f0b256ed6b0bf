import { Migration } from '@mikro-orm/migrations';

export class Migration20261122044413_todo_reminders extends Migration {

  override name = 'Migration20261122044413_todo_reminders';

  override up(): void | Promise<void> {
    this.addSql(`alter table \`follow_up_tasks\` add column \`reminded_at\` datetime null;`);
  }

  override down(): void | Promise<void> {
    this.addSql(`alter table \`follow_up_tasks\` drop column \`reminded_at\`;`);
  }

}
