import { Migration } from '@mikro-orm/migrations';

export class Migration20261130093458_call_task_card_and_lead_turns extends Migration {

  override name = 'Migration20261130093458_call_task_card_and_lead_turns';

  override up(): void | Promise<void> {
    this.addSql(`alter table \`t_call_task\` add \`lead_turns\` int not null default 0, add \`completion_card_at\` datetime null;`);
  }

  override down(): void | Promise<void> {
    this.addSql(`alter table \`t_call_task\` drop column \`lead_turns\`, drop column \`completion_card_at\`;`);
  }

}
