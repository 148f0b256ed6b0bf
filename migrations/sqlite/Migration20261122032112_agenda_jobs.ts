import { Migration } from '@mikro-orm/migrations';

export class Migration20261122032112_agenda_jobs extends Migration {

  override name = 'Migration20261122032112_agenda_jobs';

  override up(): void | Promise<void> {
    this.addSql(`create table \`agenda_jobs\` (\`id\` text not null primary key, \`name\` text not null, \`priority\` integer not null default 0, \`next_run_at\` datetime null, \`type\` text not null default 'normal', \`locked_at\` datetime null, \`last_finished_at\` datetime null, \`failed_at\` datetime null, \`fail_count\` integer null, \`fail_reason\` text null, \`repeat_timezone\` text null, \`last_run_at\` datetime null, \`repeat_interval\` text null, \`repeat_at\` text null, \`data\` json null, \`disabled\` integer not null default false, \`progress\` double null, \`fork\` integer not null default false, \`single_key\` text null, \`unique_key\` text null, \`unique_query\` json null, \`debounce_started_at\` datetime null, \`last_modified_by\` text null, \`start_date\` datetime null, \`end_date\` datetime null, \`skip_days\` json null);`);
    this.addSql(`create index \`agenda_jobs_locked_at_idx\` on \`agenda_jobs\` (\`locked_at\`);`);
    this.addSql(`create unique index \`agenda_jobs_single_key_unique\` on \`agenda_jobs\` (\`single_key\`);`);
    this.addSql(`create unique index \`agenda_jobs_unique_key_unique\` on \`agenda_jobs\` (\`unique_key\`);`);
    this.addSql(`create index \`agenda_jobs_find_and_lock_idx\` on \`agenda_jobs\` (\`name\`, \`disabled\`, \`next_run_at\`, \`priority\`, \`locked_at\`);`);
    this.addSql(`create index \`agenda_jobs_next_run_at_idx\` on \`agenda_jobs\` (\`next_run_at\`);`);
  }

  override down(): void | Promise<void> {
    this.addSql(`drop table if exists \`agenda_jobs\`;`);
  }

}
