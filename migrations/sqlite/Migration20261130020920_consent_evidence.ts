import { Migration } from '@mikro-orm/migrations';

export class Migration20261130020920_consent_evidence extends Migration {

  override name = 'Migration20261130020920_consent_evidence';

  override up(): void | Promise<void> {
    this.addSql(`alter table \`consents\` add column \`evidence\` text null;`);
    this.addSql(`alter table \`consents\` add column \`text_version\` text null;`);
    // Permissions of the consent ledger API.
    this.addSql(`insert into \`role_permissions\` (\`role\`, \`permission\`, \`granted_at\`) values ('sales', 'consent:view', '2026-11-30 00:00:00'), ('sales', 'consent:record', '2026-11-30 00:00:00'), ('duty', 'consent:view', '2026-11-30 00:00:00'), ('manager', 'consent:view', '2026-11-30 00:00:00'), ('manager', 'consent:record', '2026-11-30 00:00:00'), ('manager', 'consent:export', '2026-11-30 00:00:00'), ('admin', 'consent:view', '2026-11-30 00:00:00'), ('admin', 'consent:record', '2026-11-30 00:00:00'), ('admin', 'consent:export', '2026-11-30 00:00:00');`);
  }

  override down(): void | Promise<void> {
    this.addSql(`delete from \`role_permissions\` where \`permission\` in ('consent:view', 'consent:record', 'consent:export');`);
    this.addSql(`alter table \`consents\` drop column \`evidence\`;`);
    this.addSql(`alter table \`consents\` drop column \`text_version\`;`);
  }

}
