import { Migration } from '@mikro-orm/migrations';

export class Migration20261130081845_staff_active_mobile_duty_days extends Migration {

  override name = 'Migration20261130081845_staff_active_mobile_duty_days';

  override up(): void | Promise<void> {
    // Data: active staff sharing a mobile (the old read-then-write check raced) — the earliest keeps it, the
    // others lose it (audited, number masked) so the unique key below can hold; nobody is deactivated.
    this.addSql(`insert into \`audit_log\` (\`actor_staff_id\`, \`action\`, \`target_type\`, \`target_id\`, \`channel\`, \`details\`, \`created_at\`)
      select null, 'staff.mobile_cleared', 'staff', cast(s.\`id\` as text), 'system',
        json_object('reason', 'duplicate_active_mobile', 'mobile', substr(s.\`mobile\`, 4, 3) || '****' || substr(s.\`mobile\`, -4), 'keptBy', (select min(k.\`id\`) from \`staff\` k where k.\`active\` = 1 and k.\`mobile\` = s.\`mobile\`)),
        strftime('%Y-%m-%d %H:%M:%S', 'now')
      from \`staff\` s where s.\`active\` = 1 and s.\`mobile\` is not null
        and exists (select 1 from \`staff\` k where k.\`active\` = 1 and k.\`mobile\` = s.\`mobile\` and k.\`id\` < s.\`id\`);`);
    this.addSql(`update \`staff\` set \`mobile\` = null, \`mobile_last8\` = null where \`active\` = 1 and \`mobile\` is not null
      and exists (select 1 from \`staff\` k where k.\`active\` = 1 and k.\`mobile\` = \`staff\`.\`mobile\` and k.\`id\` < \`staff\`.\`id\`);`);
    this.addSql(`alter table \`staff\` add column \`active_mobile\` text generated always as (case when active = 1 then mobile end) virtual null;`);
    this.addSql(`create unique index \`staff_active_mobile_unique\` on \`staff\` (\`active_mobile\`);`);

    // Data: rows created without duty days hold the JSON string "[]" (the entity default was written as a
    // string); make every string that holds JSON the JSON it holds, so duty_days is always an array.
    this.addSql(`update \`staff\` set \`duty_days\` = json(json_extract(\`duty_days\`, '$')) where json_valid(\`duty_days\`) and json_type(\`duty_days\`) = 'text' and json_valid(json_extract(\`duty_days\`, '$'));`);
    this.addSql(`update \`staff\` set \`duty_days\` = '[]' where not json_valid(\`duty_days\`) or json_type(\`duty_days\`) <> 'array';`);
  }

  override down(): void | Promise<void> {
    this.addSql(`drop index \`staff_active_mobile_unique\`;`);
    this.addSql(`alter table \`staff\` drop column \`active_mobile\`;`);
  }

}
