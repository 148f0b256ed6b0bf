import { Migration } from '@mikro-orm/migrations';

export class Migration20261130081848_staff_active_mobile_duty_days extends Migration {

  override name = 'Migration20261130081848_staff_active_mobile_duty_days';

  override up(): void | Promise<void> {
    // Data: active staff sharing a mobile (the old read-then-write check raced) — the earliest keeps it, the
    // others lose it (audited, number masked) so the unique key below can hold; nobody is deactivated.
    this.addSql(`insert into \`audit_log\` (\`actor_staff_id\`, \`action\`, \`target_type\`, \`target_id\`, \`channel\`, \`details\`, \`created_at\`)
      select null, 'staff.mobile_cleared', 'staff', cast(s.\`id\` as char), 'system',
        json_object('reason', 'duplicate_active_mobile', 'mobile', concat(substr(s.\`mobile\`, 4, 3), '****', right(s.\`mobile\`, 4)), 'keptBy', k.\`kept\`),
        utc_timestamp()
      from \`staff\` s join (select \`mobile\`, min(\`id\`) as \`kept\` from \`staff\` where \`active\` = 1 and \`mobile\` is not null group by \`mobile\`) k
        on k.\`mobile\` = s.\`mobile\` and s.\`id\` > k.\`kept\`
      where s.\`active\` = 1;`);
    this.addSql(`update \`staff\` s join (select \`mobile\`, min(\`id\`) as \`kept\` from \`staff\` where \`active\` = 1 and \`mobile\` is not null group by \`mobile\`) k
        on k.\`mobile\` = s.\`mobile\` and s.\`id\` > k.\`kept\`
      set s.\`mobile\` = null, s.\`mobile_last8\` = null where s.\`active\` = 1;`);
    // MariaDB takes no NULL/NOT NULL on a generated column (a virtual column is nullable by its expression).
    this.addSql(`alter table \`staff\` add \`active_mobile\` varchar(20) generated always as (case when active = 1 then mobile end) virtual;`);
    this.addSql(`alter table \`staff\` add unique \`staff_active_mobile_unique\` (\`active_mobile\`);`);

    // Data: rows created without duty days hold the JSON string "[]" (the entity default was written as a
    // string); make every string that holds JSON the JSON it holds, so duty_days is always an array.
    this.addSql(`update \`staff\` set \`duty_days\` = json_unquote(\`duty_days\`) where json_valid(\`duty_days\`) and json_type(\`duty_days\`) = 'STRING' and json_valid(json_unquote(\`duty_days\`));`);
    this.addSql(`update \`staff\` set \`duty_days\` = '[]' where not json_valid(\`duty_days\`) or json_type(\`duty_days\`) <> 'ARRAY';`);
  }

  override down(): void | Promise<void> {
    this.addSql(`alter table \`staff\` drop index \`staff_active_mobile_unique\`;`);
    this.addSql(`alter table \`staff\` drop column \`active_mobile\`;`);
  }

}
