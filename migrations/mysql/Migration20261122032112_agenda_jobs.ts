import { Migration } from '@mikro-orm/migrations';

export class Migration20261122032112_agenda_jobs extends Migration {

  override name = 'Migration20261122032112_agenda_jobs';

  override up(): void | Promise<void> {
    this.addSql(`create table \`agenda_jobs\` (\`id\` varchar(36) not null, \`name\` varchar(191) not null, \`priority\` int not null default 0, \`next_run_at\` datetime(3) null, \`type\` varchar(10) not null default 'normal', \`locked_at\` datetime(3) null, \`last_finished_at\` datetime(3) null, \`failed_at\` datetime(3) null, \`fail_count\` int null, \`fail_reason\` text null, \`repeat_timezone\` varchar(100) null, \`last_run_at\` datetime(3) null, \`repeat_interval\` varchar(255) null, \`repeat_at\` varchar(255) null, \`data\` json null, \`disabled\` tinyint(1) not null default false, \`progress\` double null, \`fork\` tinyint(1) not null default false, \`single_key\` varchar(191) null, \`unique_key\` varchar(64) null, \`unique_query\` json null, \`debounce_started_at\` datetime(3) null, \`last_modified_by\` varchar(191) null, \`start_date\` datetime(3) null, \`end_date\` datetime(3) null, \`skip_days\` json null, primary key (\`id\`)) default character set utf8mb4 engine = InnoDB;`);
    this.addSql(`alter table \`agenda_jobs\` add index \`agenda_jobs_locked_at_idx\` (\`locked_at\`);`);
    this.addSql(`alter table \`agenda_jobs\` add unique \`agenda_jobs_single_key_unique\` (\`single_key\`);`);
    this.addSql(`alter table \`agenda_jobs\` add unique \`agenda_jobs_unique_key_unique\` (\`unique_key\`);`);
    this.addSql(`alter table \`agenda_jobs\` add index \`agenda_jobs_find_and_lock_idx\` (\`name\`, \`disabled\`, \`next_run_at\`, \`priority\`, \`locked_at\`);`);
    this.addSql(`alter table \`agenda_jobs\` add index \`agenda_jobs_next_run_at_idx\` (\`next_run_at\`);`);
  }

  override down(): void | Promise<void> {
    this.addSql(`drop table if exists \`agenda_jobs\`;`);
  }

}
