import { Migration } from '@mikro-orm/migrations';

/**
 * member_tags keyed by (member_id, tag) instead of a number beside a unique (member_id, tag) index: the
 * clustered key's duplicate check locks only the entry it meets, where the unique secondary index's
 * locked the next entry and the gap before it (another member's; see member-tag.entity.ts). One ALTER:
 * the foreign key on member_id keeps an index at every moment, and the auto-increment id leaves with
 * the key it defined.
 */
export class Migration20261201101023_member_tags_key extends Migration {

  override name = 'Migration20261201101023_member_tags_key';

  override up(): void | Promise<void> {
    this.addSql(`alter table \`member_tags\` drop column \`id\`, add primary key (\`member_id\`, \`tag\`), drop index \`member_tags_member_id_tag_unique\`;`);
  }

  override down(): void | Promise<void> {
    this.addSql(`alter table \`member_tags\` drop primary key, add \`id\` int unsigned not null auto_increment primary key first, add unique \`member_tags_member_id_tag_unique\` (\`member_id\`, \`tag\`);`);
  }

}
