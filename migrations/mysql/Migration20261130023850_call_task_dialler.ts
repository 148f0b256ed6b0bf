import { Migration } from '@mikro-orm/migrations';

export class Migration20261130023850_call_task_dialler extends Migration {

  override name = 'Migration20261130023850_call_task_dialler';

  override up(): void | Promise<void> {
    this.addSql(`alter table \`t_call_task\` drop column \`intended_customers\`, drop column \`successful_calls\`, drop column \`total_calls\`;`);
    this.addSql(`alter table \`t_call_task\` add \`mode\` enum('agent','robot') not null default 'agent', add \`max_attempts\` int not null default 3, add \`retry_after_minutes\` int not null default 30, add \`sales_staff_ids\` json not null default ('[]'), add \`failure_reason\` varchar(255) null, add \`last_line_ok_at\` datetime null;`);

    this.addSql(`alter table \`t_call_task_phones\` drop index \`t_call_task_phones_task_id_status_index\`;`);
    this.addSql(`alter table \`t_call_task_phones\` add \`next_attempt_at\` datetime null, add \`skip_reason\` varchar(64) null, add \`last_call_id\` varchar(64) null, add \`intended\` tinyint(1) not null default false;`);
    this.addSql(`alter table \`t_call_task_phones\` modify \`status\` enum('pending','dialing','unknown','answered','no_answer','busy','rejected','invalid','abandoned','failed','skipped','cancelled') not null default 'pending';`);
    this.addSql(`alter table \`t_call_task_phones\` add index \`t_call_task_phones_task_id_status_next_attempt_at_index\` (\`task_id\`, \`status\`, \`next_attempt_at\`);`);
  }

  override down(): void | Promise<void> {
    this.addSql(`alter table \`t_call_task\` drop column \`mode\`, drop column \`max_attempts\`, drop column \`retry_after_minutes\`, drop column \`sales_staff_ids\`, drop column \`failure_reason\`, drop column \`last_line_ok_at\`;`);
    this.addSql(`alter table \`t_call_task\` add \`intended_customers\` int not null default 0, add \`successful_calls\` int not null default 0, add \`total_calls\` int not null default 0;`);

    this.addSql(`alter table \`t_call_task_phones\` drop index \`t_call_task_phones_task_id_status_next_attempt_at_index\`;`);
    this.addSql(`alter table \`t_call_task_phones\` drop column \`next_attempt_at\`, drop column \`skip_reason\`, drop column \`last_call_id\`, drop column \`intended\`;`);
    this.addSql(`alter table \`t_call_task_phones\` modify \`status\` enum('pending','dialing','answered','no_answer','busy','failed','skipped') not null default 'pending';`);
    this.addSql(`alter table \`t_call_task_phones\` add index \`t_call_task_phones_task_id_status_index\` (\`task_id\`, \`status\`);`);
  }

}
