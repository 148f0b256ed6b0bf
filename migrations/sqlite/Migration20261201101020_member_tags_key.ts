import { Migration } from '@mikro-orm/migrations';

/** member_tags keyed by (member_id, tag) (see the MariaDB migration); SQLite changes a key by copying the table. */
export class Migration20261201101020_member_tags_key extends Migration {

  override name = 'Migration20261201101020_member_tags_key';

  override up(): void | Promise<void> {
    this.rebuild('`member_id` text not null, `tag` text not null, `created_at` datetime not null, primary key (`member_id`, `tag`)', 'member_id, tag, created_at');
  }

  override down(): void | Promise<void> {
    this.rebuild('`id` integer not null primary key autoincrement, `member_id` text not null, `tag` text not null, `created_at` datetime not null', 'member_id, tag, created_at');
    this.addSql('create unique index `member_tags_member_id_tag_unique` on `member_tags` (`member_id`, `tag`);');
  }

  /** member_tags again with `columns` (and its foreign key and indexes), its rows copied by `copied`. */
  private rebuild(columns: string, copied: string): void {
    this.addSql(`create table \`member_tags_next\` (${columns}, constraint \`member_tags_member_id_foreign\` foreign key (\`member_id\`) references \`members\` (\`id\`) on delete cascade);`);
    this.addSql(`insert into \`member_tags_next\` (${copied}) select ${copied} from \`member_tags\`;`);
    this.addSql('drop table `member_tags`;');
    this.addSql('alter table `member_tags_next` rename to `member_tags`;');
    this.addSql('create index `member_tags_member_id_index` on `member_tags` (`member_id`);');
    this.addSql('create index `member_tags_tag_member_id_index` on `member_tags` (`tag`, `member_id`);');
  }

}
