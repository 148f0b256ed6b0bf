import { Migration } from '@mikro-orm/migrations';

export class Migration20261130023822_call_task_dialler extends Migration {

  override name = 'Migration20261130023822_call_task_dialler';

  override up(): void | Promise<void> {
    // t_call_task is the parent of the numbers, devices and calls: altered in place (a rebuild inside the
    // migration's transaction would cascade-delete its children, foreign keys cannot be switched off there).
    this.addSql(`alter table \`t_call_task\` drop column \`intended_customers\`;`);
    this.addSql(`alter table \`t_call_task\` drop column \`successful_calls\`;`);
    this.addSql(`alter table \`t_call_task\` drop column \`total_calls\`;`);
    this.addSql(`alter table \`t_call_task\` add column \`mode\` text check (\`mode\` in ('agent', 'robot')) not null default 'agent';`);
    this.addSql(`alter table \`t_call_task\` add column \`max_attempts\` integer not null default 3;`);
    this.addSql(`alter table \`t_call_task\` add column \`retry_after_minutes\` integer not null default 30;`);
    this.addSql(`alter table \`t_call_task\` add column \`sales_staff_ids\` json not null default '[]';`);
    this.addSql(`alter table \`t_call_task\` add column \`failure_reason\` text null;`);
    this.addSql(`alter table \`t_call_task\` add column \`last_line_ok_at\` datetime null;`);

    this.addSql(`pragma foreign_keys = off;`);
    this.addSql(`create table \`t_call_task_phones__temp_alter\` (\`id\` integer not null primary key autoincrement, \`task_id\` integer not null, \`phone\` text not null, \`phone_last8\` text not null, \`status\` text check (\`status\` in ('pending', 'dialing', 'unknown', 'answered', 'no_answer', 'busy', 'rejected', 'invalid', 'abandoned', 'failed', 'skipped', 'cancelled')) not null default 'pending', \`attempts\` integer not null default 0, \`last_attempt_at\` datetime null, \`next_attempt_at\` datetime null, \`skip_reason\` text null, \`last_call_id\` text null, \`intended\` integer not null default false, \`created_at\` datetime not null, \`updated_at\` datetime not null, constraint \`t_call_task_phones_task_id_foreign\` foreign key (\`task_id\`) references \`t_call_task\` (\`id\`) on delete cascade);`);
    this.addSql(`insert into \`t_call_task_phones__temp_alter\` select \`id\`, \`task_id\`, \`phone\`, \`phone_last8\`, \`status\`, \`attempts\`, \`last_attempt_at\`, null as \`next_attempt_at\`, null as \`skip_reason\`, null as \`last_call_id\`, 0 as \`intended\`, \`created_at\`, \`updated_at\` from \`t_call_task_phones\`;`);
    this.addSql(`drop table \`t_call_task_phones\`;`);
    this.addSql(`alter table \`t_call_task_phones__temp_alter\` rename to \`t_call_task_phones\`;`);
    this.addSql(`create index \`t_call_task_phones_task_id_index\` on \`t_call_task_phones\` (\`task_id\`);`);
    this.addSql(`create index \`t_call_task_phones_phone_last8_index\` on \`t_call_task_phones\` (\`phone_last8\`);`);
    this.addSql(`create index \`t_call_task_phones_task_id_status_next_attempt_at_index\` on \`t_call_task_phones\` (\`task_id\`, \`status\`, \`next_attempt_at\`);`);
    this.addSql(`create unique index \`t_call_task_phones_task_id_phone_unique\` on \`t_call_task_phones\` (\`task_id\`, \`phone\`);`);
    this.addSql(`pragma foreign_keys = on;`);
  }

  override down(): void | Promise<void> {
    this.addSql(`pragma foreign_keys = off;`);
    this.addSql(`create table \`t_call_task__temp_alter\` (\`call_script\` text not null, \`caller_id\` text null, \`caller_id_last8\` text null, \`completed_time\` datetime null, \`created_at\` datetime not null, \`created_by\` integer null, \`description\` text null, \`id\` integer not null primary key autoincrement, \`intended_customers\` integer not null default 0, \`name\` text not null, \`scheduled_time\` datetime null, \`source\` text null, \`started_time\` datetime null, \`status\` text check (\`status\` in ('SCHEDULED', 'RUNNING', 'STOPPED', 'COMPLETED', 'FAILED', 'CANCELLED')) not null default 'SCHEDULED', \`successful_calls\` integer not null default 0, \`tags\` json not null default '[]', \`total_calls\` integer not null default 0, \`updated_at\` datetime not null, constraint \`t_call_task_created_by_foreign\` foreign key (\`created_by\`) references \`staff\` (\`id\`) on delete set null);`);
    this.addSql(`insert into \`t_call_task__temp_alter\` select \`call_script\`, \`caller_id\`, \`caller_id_last8\`, \`completed_time\`, \`created_at\`, \`created_by\`, \`description\`, \`id\`, null as \`intended_customers\`, \`name\`, \`scheduled_time\`, \`source\`, \`started_time\`, \`status\`, null as \`successful_calls\`, \`tags\`, null as \`total_calls\`, \`updated_at\` from \`t_call_task\`;`);
    this.addSql(`drop table \`t_call_task\`;`);
    this.addSql(`alter table \`t_call_task__temp_alter\` rename to \`t_call_task\`;`);
    this.addSql(`create index \`t_call_task_caller_id_last8_index\` on \`t_call_task\` (\`caller_id_last8\`);`);
    this.addSql(`create index \`t_call_task_created_at_index\` on \`t_call_task\` (\`created_at\`);`);
    this.addSql(`create index \`t_call_task_created_by_index\` on \`t_call_task\` (\`created_by\`);`);
    this.addSql(`create index \`t_call_task_scheduled_time_index\` on \`t_call_task\` (\`scheduled_time\`);`);
    this.addSql(`create index \`t_call_task_status_index\` on \`t_call_task\` (\`status\`);`);
    this.addSql(`pragma foreign_keys = on;`);

    this.addSql(`pragma foreign_keys = off;`);
    this.addSql(`create table \`t_call_task_phones__temp_alter\` (\`attempts\` integer not null default 0, \`created_at\` datetime not null, \`id\` integer not null primary key autoincrement, \`last_attempt_at\` datetime null, \`phone\` text not null, \`phone_last8\` text not null, \`status\` text check (\`status\` in ('pending', 'dialing', 'answered', 'no_answer', 'busy', 'failed', 'skipped')) not null default 'pending', \`task_id\` integer not null, \`updated_at\` datetime not null, constraint \`t_call_task_phones_task_id_foreign\` foreign key (\`task_id\`) references \`t_call_task\` (\`id\`) on delete cascade);`);
    this.addSql(`insert into \`t_call_task_phones__temp_alter\` select \`attempts\`, \`created_at\`, \`id\`, \`last_attempt_at\`, \`phone\`, \`phone_last8\`, \`status\`, \`task_id\`, \`updated_at\` from \`t_call_task_phones\`;`);
    this.addSql(`drop table \`t_call_task_phones\`;`);
    this.addSql(`alter table \`t_call_task_phones__temp_alter\` rename to \`t_call_task_phones\`;`);
    this.addSql(`create index \`t_call_task_phones_phone_last8_index\` on \`t_call_task_phones\` (\`phone_last8\`);`);
    this.addSql(`create index \`t_call_task_phones_task_id_index\` on \`t_call_task_phones\` (\`task_id\`);`);
    this.addSql(`create unique index \`t_call_task_phones_task_id_phone_unique\` on \`t_call_task_phones\` (\`task_id\`, \`phone\`);`);
    this.addSql(`create index \`t_call_task_phones_task_id_status_index\` on \`t_call_task_phones\` (\`task_id\`, \`status\`);`);
    this.addSql(`pragma foreign_keys = on;`);
  }

}
