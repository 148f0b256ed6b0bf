import { Migration } from '@mikro-orm/migrations';

export class Migration20261130093433_call_task_card_and_lead_turns extends Migration {

  override name = 'Migration20261130093433_call_task_card_and_lead_turns';

  override up(): void | Promise<void> {
    this.addSql(`alter table \`t_call_task\` add column \`lead_turns\` integer not null default 0;`);
    this.addSql(`alter table \`t_call_task\` add column \`completion_card_at\` datetime null;`);
  }

  override down(): void | Promise<void> {
    this.addSql(`alter table \`t_call_task\` drop column \`lead_turns\`;`);
    this.addSql(`alter table \`t_call_task\` drop column \`completion_card_at\`;`);
  }

}
