import { Migration } from '@mikro-orm/migrations';

export class Migration20261130020932_tier_upgrades extends Migration {

  override name = 'Migration20261130020932_tier_upgrades';

  override up(): void | Promise<void> {
    this.addSql(`create table \`member_tiers\` (\`code\` varchar(20) not null, \`name\` varchar(32) not null, \`rank\` int not null, \`min_spend_fen\` bigint not null default '0', \`min_visits\` int not null default 0, \`max_churn_risk\` numeric(3,2) not null default 1, \`rewards\` json not null, \`updated_at\` datetime not null, primary key (\`code\`)) default character set utf8mb4 engine = InnoDB;`);
    this.addSql(`alter table \`member_tiers\` add unique \`member_tiers_rank_unique\` (\`rank\`);`);

    // The starting tier table (seed 001 §2.4): rolling-365-day spend and visits, churn-risk ceiling, rewards.
    this.addSql(`insert into \`member_tiers\` (\`code\`, \`name\`, \`rank\`, \`min_spend_fen\`, \`min_visits\`, \`max_churn_risk\`, \`rewards\`, \`updated_at\`) values
      ('basic', '普通会员', 0, 0, 0, 1.00, '{"points":0,"coupons":[],"gifts":[],"discountPercent":100}', '2026-11-30 00:00:00'),
      ('silver', '银卡会员', 1, 200000, 6, 0.60, '{"points":500,"coupons":[{"name":"代金券","valueFen":5000,"count":2,"validDays":90}],"gifts":[],"discountPercent":95}', '2026-11-30 00:00:00'),
      ('gold', '金卡会员', 2, 800000, 15, 0.50, '{"points":1500,"coupons":[{"name":"代金券","valueFen":10000,"count":2,"validDays":90}],"gifts":["精酿啤酒礼盒"],"discountPercent":90}', '2026-11-30 00:00:00'),
      ('platinum', '铂金会员', 3, 2000000, 30, 0.40, '{"points":3000,"coupons":[{"name":"代金券","valueFen":20000,"count":3,"validDays":180}],"gifts":["品鉴会双人席位"],"discountPercent":85}', '2026-11-30 00:00:00');`);
    // customer:upgrade:evaluate is new (execute existed): sales see how far a member is from the next tier.
    this.addSql(`insert into \`role_permissions\` (\`role\`, \`permission\`, \`granted_at\`) values ('sales', 'customer:upgrade:evaluate', '2026-11-30 00:00:00'), ('manager', 'customer:upgrade:evaluate', '2026-11-30 00:00:00'), ('admin', 'customer:upgrade:evaluate', '2026-11-30 00:00:00');`);

    this.addSql(`alter table \`upgrade_history\` add \`direction\` enum('upgrade','downgrade') not null default 'upgrade', add \`idempotency_key\` varchar(100) null, add \`executed_by\` int null;`);
    this.addSql(`alter table \`upgrade_history\` add unique \`upgrade_history_idempotency_key_unique\` (\`idempotency_key\`);`);
  }

  override down(): void | Promise<void> {
    this.addSql(`delete from \`role_permissions\` where \`permission\` = 'customer:upgrade:evaluate';`);
    this.addSql(`drop table if exists \`member_tiers\`;`);

    this.addSql(`alter table \`upgrade_history\` drop index \`upgrade_history_idempotency_key_unique\`;`);
    this.addSql(`alter table \`upgrade_history\` drop column \`direction\`, drop column \`idempotency_key\`, drop column \`executed_by\`;`);
  }

}
