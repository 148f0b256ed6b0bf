import { Migration } from '@mikro-orm/migrations';

export class Migration20261130083402_switch_event_receipts extends Migration {

  override name = 'Migration20261130083402_switch_event_receipts';

  override up(): void | Promise<void> {
    this.addSql(`create table \`switch_event_receipts\` (\`event_key\` text not null primary key, \`handled_by\` text not null, \`handled_at\` datetime not null);`);
    this.addSql(`create index \`switch_event_receipts_handled_at_index\` on \`switch_event_receipts\` (\`handled_at\`);`);
  }

  override down(): void | Promise<void> {
    this.addSql(`drop table if exists \`switch_event_receipts\`;`);
  }

}
