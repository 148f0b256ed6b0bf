import { Migration } from '@mikro-orm/migrations';

export class Migration20261122033458_call_analysis_error extends Migration {

  override name = 'Migration20261122033458_call_analysis_error';

  override up(): void | Promise<void> {
    this.addSql(`alter table \`phone_call_records\` add \`analysis_error\` varchar(255) null;`);
  }

  override down(): void | Promise<void> {
    this.addSql(`alter table \`phone_call_records\` drop column \`analysis_error\`;`);
  }

}
