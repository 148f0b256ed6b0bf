import { Migration } from '@mikro-orm/migrations';

export class Migration20261129222830_decisions_once_dry_run extends Migration {

  override name = 'Migration20261129222830_decisions_once_dry_run';

  override up(): void | Promise<void> {
    this.addSql(`alter table \`call_logs\` add column \`dry_run\` integer not null default false;`);

    this.addSql(`alter table \`sms_logs\` add column \`dry_run\` integer not null default false;`);

    this.addSql(`alter table \`invitations\` add column \`open_key\` text null;`);
    // Data move: the oldest open invitation of each customer and event holds the key; any duplicates the old
    // read-then-insert check let through stay as they are (no row is dropped) but no longer count as open.
    this.addSql(`update \`invitations\` set \`open_key\` = \`customer_id\` || '|' || \`event_id\` where \`id\` in (
      select \`id\` from (
        select \`id\`, row_number() over (partition by \`customer_id\`, \`event_id\` order by \`created_at\`, \`id\`) as \`n\`
        from \`invitations\` where \`status\` not in ('rejected', 'expired')
      ) as \`ranked\` where \`n\` = 1
    );`);
    this.addSql(`create unique index \`invitations_open_key_unique\` on \`invitations\` (\`open_key\`);`);

    this.addSql(`alter table \`contact_history\` add column \`dry_run\` integer not null default false;`);

    this.addSql(`alter table \`consents\` add column \`dedup_key\` text null;`);
    this.addSql(`create unique index \`consents_dedup_key_unique\` on \`consents\` (\`dedup_key\`);`);

    this.addSql(`alter table \`sms_batches\` add column \`dry_run\` integer not null default false;`);

    // Permissions: compliance:manage was granted but nothing checked it (removed); todo:manage is new
    // (completing or taking over another staff member's todo, which managers and admins did by role before).
    this.addSql(`delete from \`role_permissions\` where \`permission\` = 'compliance:manage';`);
    this.addSql(`insert into \`role_permissions\` (\`role\`, \`permission\`, \`granted_at\`) values ('manager', 'todo:manage', '2026-11-29 00:00:00'), ('admin', 'todo:manage', '2026-11-29 00:00:00');`);
  }

  override down(): void | Promise<void> {
    this.addSql(`delete from \`role_permissions\` where \`permission\` = 'todo:manage';`);
    this.addSql(`insert into \`role_permissions\` (\`role\`, \`permission\`, \`granted_at\`) values ('manager', 'compliance:manage', '2026-11-29 00:00:00'), ('admin', 'compliance:manage', '2026-11-29 00:00:00');`);

    this.addSql(`alter table \`call_logs\` drop column \`dry_run\`;`);

    this.addSql(`drop index \`consents_dedup_key_unique\`;`);
    this.addSql(`alter table \`consents\` drop column \`dedup_key\`;`);

    this.addSql(`alter table \`contact_history\` drop column \`dry_run\`;`);

    this.addSql(`drop index \`invitations_open_key_unique\`;`);
    this.addSql(`alter table \`invitations\` drop column \`open_key\`;`);

    this.addSql(`alter table \`sms_batches\` drop column \`dry_run\`;`);

    this.addSql(`alter table \`sms_logs\` drop column \`dry_run\`;`);
  }

}
