import { Migration } from '@mikro-orm/migrations';

export class Migration20261130034251_feedback_follow_up_task extends Migration {

  override name = 'Migration20261130034251_feedback_follow_up_task';

  override up(): void | Promise<void> {
    this.addSql(`alter table \`customer_feedback\` add column \`follow_up_task_id\` integer null constraint \`customer_feedback_follow_up_task_id_foreign\` references \`follow_up_tasks\` (\`id\`) on delete set null;`);
    this.addSql(`create index \`customer_feedback_follow_up_task_id_index\` on \`customer_feedback\` (\`follow_up_task_id\`);`);
  }

  override down(): void | Promise<void> {
    this.addSql(`drop index \`customer_feedback_follow_up_task_id_index\`;`);
    this.addSql(`alter table \`customer_feedback\` drop column \`follow_up_task_id\`;`);
  }

}
