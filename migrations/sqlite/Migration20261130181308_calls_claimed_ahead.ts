import { Migration } from '@mikro-orm/migrations';

export class Migration20261130181308_calls_claimed_ahead extends Migration {

  override name = 'Migration20261130181308_calls_claimed_ahead';

  override up(): void | Promise<void> {
    this.addSql(`alter table \`calls\` add column \`claimed_ahead\` integer not null default false;`);
  }

  override down(): void | Promise<void> {
    this.addSql(`alter table \`calls\` drop column \`claimed_ahead\`;`);
  }

}
