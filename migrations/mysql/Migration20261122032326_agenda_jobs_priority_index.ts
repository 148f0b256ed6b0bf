import { Migration } from '@mikro-orm/migrations';

export class Migration20261122032326_agenda_jobs_priority_index extends Migration {

  override name = 'Migration20261122032326_agenda_jobs_priority_index';

  override up(): void | Promise<void> {
    this.addSql(`alter table \`agenda_jobs\` drop index \`agenda_jobs_find_and_lock_idx\`;`);
    this.addSql(`alter table \`agenda_jobs\` add index \`agenda_jobs_find_and_lock_idx\` (\`name\`, \`disabled\`, \`priority\` DESC, \`next_run_at\`, \`locked_at\`);`);
  }

  override down(): void | Promise<void> {
    this.addSql(`alter table \`agenda_jobs\` drop index \`agenda_jobs_find_and_lock_idx\`;`);
    this.addSql(`alter table \`agenda_jobs\` add index \`agenda_jobs_find_and_lock_idx\` (\`name\`, \`disabled\`, \`next_run_at\`, \`priority\`, \`locked_at\`);`);
  }

}
