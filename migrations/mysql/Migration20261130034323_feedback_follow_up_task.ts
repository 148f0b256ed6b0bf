import { Migration } from '@mikro-orm/migrations';

export class Migration20261130034323_feedback_follow_up_task extends Migration {

  override name = 'Migration20261130034323_feedback_follow_up_task';

  override up(): void | Promise<void> {
    this.addSql(`alter table \`customer_feedback\` add \`follow_up_task_id\` int unsigned null;`);
    this.addSql(`alter table \`customer_feedback\` add constraint \`customer_feedback_follow_up_task_id_foreign\` foreign key (\`follow_up_task_id\`) references \`follow_up_tasks\` (\`id\`) on delete set null;`);
    this.addSql(`alter table \`customer_feedback\` add index \`customer_feedback_follow_up_task_id_index\` (\`follow_up_task_id\`);`);
  }

  override down(): void | Promise<void> {
    this.addSql(`alter table \`customer_feedback\` drop foreign key \`customer_feedback_follow_up_task_id_foreign\`;`);

    this.addSql(`alter table \`customer_feedback\` drop index \`customer_feedback_follow_up_task_id_index\`;`);
    this.addSql(`alter table \`customer_feedback\` drop column \`follow_up_task_id\`;`);
  }

}
