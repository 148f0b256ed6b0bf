import { Migration } from '@mikro-orm/migrations';

export class Migration20261130083418_switch_event_receipts extends Migration {

  override name = 'Migration20261130083418_switch_event_receipts';

  override up(): void | Promise<void> {
    this.addSql(`create table \`switch_event_receipts\` (\`event_key\` varchar(128) not null, \`handled_by\` varchar(128) not null, \`handled_at\` datetime not null, primary key (\`event_key\`)) default character set utf8mb4 engine = InnoDB;`);
    this.addSql(`alter table \`switch_event_receipts\` add index \`switch_event_receipts_handled_at_index\` (\`handled_at\`);`);
  }

  override down(): void | Promise<void> {
    this.addSql(`drop table if exists \`switch_event_receipts\`;`);
  }

}
