import { Migration } from '@mikro-orm/migrations';

export class Migration20261122033457_call_analysis_error extends Migration {

  override name = 'Migration20261122033457_call_analysis_error';

  override up(): void | Promise<void> {
    this.addSql(`alter table \`phone_call_records\` add column \`analysis_error\` text null;`);
  }

  override down(): void | Promise<void> {
    this.addSql(`alter table \`phone_call_records\` drop column \`analysis_error\`;`);
  }

}
