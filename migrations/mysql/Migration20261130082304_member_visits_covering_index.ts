import { Migration } from '@mikro-orm/migrations';

export class Migration20261130082304_member_visits_covering_index extends Migration {

  override name = 'Migration20261130082304_member_visits_covering_index';

  override up(): void | Promise<void> {
    // One statement: the foreign key on member_id always has an index to use (the new one's prefix). The
    // single-column index goes too: MariaDB preferred it to the covering one and read every visit's row.
    this.addSql(`alter table \`member_visits\` add index \`member_visits_member_id_visited_at_spending_fen_index\` (\`member_id\`, \`visited_at\`, \`spending_fen\`), drop index \`member_visits_member_id_visited_at_index\`, drop index \`member_visits_member_id_index\`;`);
  }

  override down(): void | Promise<void> {
    this.addSql(`alter table \`member_visits\` add index \`member_visits_member_id_index\` (\`member_id\`), add index \`member_visits_member_id_visited_at_index\` (\`member_id\`, \`visited_at\`), drop index \`member_visits_member_id_visited_at_spending_fen_index\`;`);
  }

}
