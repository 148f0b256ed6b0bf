import { Migration } from '@mikro-orm/migrations';

export class Migration20261129222845_decisions_once_dry_run extends Migration {

  override name = 'Migration20261129222845_decisions_once_dry_run';

  override up(): void | Promise<void> {
    this.addSql(`alter table \`call_logs\` add \`dry_run\` tinyint(1) not null default false;`);

    this.addSql(`alter table \`sms_logs\` add \`dry_run\` tinyint(1) not null default false;`);

    this.addSql(`alter table \`invitations\` add \`open_key\` varchar(120) null;`);
    // Data move: the oldest open invitation of each customer and event holds the key; any duplicates the old
    // read-then-insert check let through stay as they are (no row is dropped) but no longer count as open.
    this.addSql(`update \`invitations\` set \`open_key\` = concat(\`customer_id\`, '|', \`event_id\`) where \`id\` in (
      select \`id\` from (
        select \`id\`, row_number() over (partition by \`customer_id\`, \`event_id\` order by \`created_at\`, \`id\`) as \`n\`
        from \`invitations\` where \`status\` not in ('rejected', 'expired')
      ) as \`ranked\` where \`n\` = 1
    );`);
    this.addSql(`alter table \`invitations\` add unique \`invitations_open_key_unique\` (\`open_key\`);`);

    this.addSql(`alter table \`contact_history\` add \`dry_run\` tinyint(1) not null default false;`);

    this.addSql(`alter table \`consents\` add \`dedup_key\` varchar(64) null;`);
    this.addSql(`alter table \`consents\` add unique \`consents_dedup_key_unique\` (\`dedup_key\`);`);

    this.addSql(`alter table \`sms_batches\` add \`dry_run\` tinyint(1) not null default false;`);

    // Permissions: compliance:manage was granted but nothing checked it (removed); todo:manage is new
    // (completing or taking over another staff member's todo, which managers and admins did by role before).
    this.addSql(`delete from \`role_permissions\` where \`permission\` = 'compliance:manage';`);
    this.addSql(`insert into \`role_permissions\` (\`role\`, \`permission\`, \`granted_at\`) values ('manager', 'todo:manage', '2026-11-29 00:00:00'), ('admin', 'todo:manage', '2026-11-29 00:00:00');`);
  }

  override down(): void | Promise<void> {
    this.addSql(`delete from \`role_permissions\` where \`permission\` = 'todo:manage';`);
    this.addSql(`insert into \`role_permissions\` (\`role\`, \`permission\`, \`granted_at\`) values ('manager', 'compliance:manage', '2026-11-29 00:00:00'), ('admin', 'compliance:manage', '2026-11-29 00:00:00');`);

    this.addSql(`alter table \`call_logs\` drop column \`dry_run\`;`);

    this.addSql(`alter table \`consents\` drop index \`consents_dedup_key_unique\`;`);
    this.addSql(`alter table \`consents\` drop column \`dedup_key\`;`);

    this.addSql(`alter table \`contact_history\` drop column \`dry_run\`;`);

    this.addSql(`alter table \`invitations\` drop index \`invitations_open_key_unique\`;`);
    this.addSql(`alter table \`invitations\` drop column \`open_key\`;`);

    this.addSql(`alter table \`sms_batches\` drop column \`dry_run\`;`);

    this.addSql(`alter table \`sms_logs\` drop column \`dry_run\`;`);
  }

}
