import { Migration } from '@mikro-orm/migrations';

export class Migration20261130020914_tier_upgrades extends Migration {

  override name = 'Migration20261130020914_tier_upgrades';

  override up(): void | Promise<void> {
    this.addSql(`create table \`member_tiers\` (\`code\` text not null primary key, \`name\` text not null, \`rank\` integer not null, \`min_spend_fen\` bigint not null default '0', \`min_visits\` integer not null default 0, \`max_churn_risk\` numeric(3,2) not null default 1, \`rewards\` json not null, \`updated_at\` datetime not null);`);
    this.addSql(`create unique index \`member_tiers_rank_unique\` on \`member_tiers\` (\`rank\`);`);

    // The starting tier table (seed 001 §2.4): rolling-365-day spend and visits, churn-risk ceiling, rewards.
    this.addSql(`insert into \`member_tiers\` (\`code\`, \`name\`, \`rank\`, \`min_spend_fen\`, \`min_visits\`, \`max_churn_risk\`, \`rewards\`, \`updated_at\`) values
      ('basic', '普通会员', 0, 0, 0, 1.00, '{"points":0,"coupons":[],"gifts":[],"discountPercent":100}', '2026-11-30 00:00:00'),
      ('silver', '银卡会员', 1, 200000, 6, 0.60, '{"points":500,"coupons":[{"name":"代金券","valueFen":5000,"count":2,"validDays":90}],"gifts":[],"discountPercent":95}', '2026-11-30 00:00:00'),
      ('gold', '金卡会员', 2, 800000, 15, 0.50, '{"points":1500,"coupons":[{"name":"代金券","valueFen":10000,"count":2,"validDays":90}],"gifts":["精酿啤酒礼盒"],"discountPercent":90}', '2026-11-30 00:00:00'),
      ('platinum', '铂金会员', 3, 2000000, 30, 0.40, '{"points":3000,"coupons":[{"name":"代金券","valueFen":20000,"count":3,"validDays":180}],"gifts":["品鉴会双人席位"],"discountPercent":85}', '2026-11-30 00:00:00');`);
    // customer:upgrade:evaluate is new (execute existed): sales see how far a member is from the next tier.
    this.addSql(`insert into \`role_permissions\` (\`role\`, \`permission\`, \`granted_at\`) values ('sales', 'customer:upgrade:evaluate', '2026-11-30 00:00:00'), ('manager', 'customer:upgrade:evaluate', '2026-11-30 00:00:00'), ('admin', 'customer:upgrade:evaluate', '2026-11-30 00:00:00');`);

    this.addSql(`pragma foreign_keys = off;`);
    this.addSql(`create table \`upgrade_history__temp_alter\` (\`id\` integer not null primary key autoincrement, \`member_id\` text not null, \`from_tier\` text null, \`to_tier\` text not null, \`direction\` text check (\`direction\` in ('upgrade', 'downgrade')) not null default 'upgrade', \`idempotency_key\` text null, \`executed_by\` integer null, \`rewards\` json not null default '[]', \`created_at\` datetime not null, constraint \`upgrade_history_member_id_foreign\` foreign key (\`member_id\`) references \`members\` (\`id\`) on delete cascade);`);
    this.addSql(`insert into \`upgrade_history__temp_alter\` select \`id\`, \`member_id\`, \`from_tier\`, \`to_tier\`, 'upgrade' as \`direction\`, null as \`idempotency_key\`, null as \`executed_by\`, \`rewards\`, \`created_at\` from \`upgrade_history\`;`);
    this.addSql(`drop table \`upgrade_history\`;`);
    this.addSql(`alter table \`upgrade_history__temp_alter\` rename to \`upgrade_history\`;`);
    this.addSql(`create index \`upgrade_history_member_id_index\` on \`upgrade_history\` (\`member_id\`);`);
    this.addSql(`create unique index \`upgrade_history_idempotency_key_unique\` on \`upgrade_history\` (\`idempotency_key\`);`);
    this.addSql(`pragma foreign_keys = on;`);
  }

  override down(): void | Promise<void> {
    this.addSql(`delete from \`role_permissions\` where \`permission\` = 'customer:upgrade:evaluate';`);
    this.addSql(`drop table if exists \`member_tiers\`;`);

    this.addSql(`pragma foreign_keys = off;`);
    this.addSql(`create table \`upgrade_history__temp_alter\` (\`created_at\` datetime not null, \`from_tier\` text null, \`id\` integer not null primary key autoincrement, \`member_id\` text not null, \`rewards\` json not null default '[]', \`to_tier\` text not null, constraint \`upgrade_history_member_id_foreign\` foreign key (\`member_id\`) references \`members\` (\`id\`) on delete cascade);`);
    this.addSql(`insert into \`upgrade_history__temp_alter\` select \`created_at\`, \`from_tier\`, \`id\`, \`member_id\`, \`rewards\`, \`to_tier\` from \`upgrade_history\`;`);
    this.addSql(`drop table \`upgrade_history\`;`);
    this.addSql(`alter table \`upgrade_history__temp_alter\` rename to \`upgrade_history\`;`);
    this.addSql(`create index \`upgrade_history_member_id_index\` on \`upgrade_history\` (\`member_id\`);`);
    this.addSql(`pragma foreign_keys = on;`);
  }

}
