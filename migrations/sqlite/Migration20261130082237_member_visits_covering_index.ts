import { Migration } from '@mikro-orm/migrations';

export class Migration20261130082237_member_visits_covering_index extends Migration {

  override name = 'Migration20261130082237_member_visits_covering_index';

  override up(): void | Promise<void> {
    this.addSql(`drop index \`member_visits_member_id_visited_at_index\`;`);
    this.addSql(`drop index \`member_visits_member_id_index\`;`);
    this.addSql(`create index \`member_visits_member_id_visited_at_spending_fen_index\` on \`member_visits\` (\`member_id\`, \`visited_at\`, \`spending_fen\`);`);
  }

  override down(): void | Promise<void> {
    this.addSql(`drop index \`member_visits_member_id_visited_at_spending_fen_index\`;`);
    this.addSql(`create index \`member_visits_member_id_visited_at_index\` on \`member_visits\` (\`member_id\`, \`visited_at\`);`);
    this.addSql(`create index \`member_visits_member_id_index\` on \`member_visits\` (\`member_id\`);`);
  }

}
