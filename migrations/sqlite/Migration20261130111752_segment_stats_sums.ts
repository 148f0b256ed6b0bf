import { Migration } from '@mikro-orm/migrations';

export class Migration20261130111752_segment_stats_sums extends Migration {

  override name = 'Migration20261130111752_segment_stats_sums';

  override up(): void | Promise<void> {
    this.addSql(`alter table \`segment_stats\` add column \`spending_sum_fen\` bigint not null default '0';`);
    this.addSql(`alter table \`segment_stats\` add column \`spending365d_sum_fen\` bigint not null default '0';`);
    // Stats written before the sums existed: their averages times the count (the next full run recounts).
    this.addSql(`update \`segment_stats\` set \`spending_sum_fen\` = \`avg_spending_fen\` * \`members\`, \`spending365d_sum_fen\` = \`avg_spending365d_fen\` * \`members\`;`);
  }

  override down(): void | Promise<void> {
    this.addSql(`alter table \`segment_stats\` drop column \`spending_sum_fen\`;`);
    this.addSql(`alter table \`segment_stats\` drop column \`spending365d_sum_fen\`;`);
  }

}
