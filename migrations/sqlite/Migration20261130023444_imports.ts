import { Migration } from '@mikro-orm/migrations';

export class Migration20261130023444_imports extends Migration {

  override name = 'Migration20261130023444_imports';

  override up(): void | Promise<void> {
    this.addSql(`create table \`imports\` (\`id\` integer not null primary key autoincrement, \`kind\` text check (\`kind\` in ('customers', 'members', 'visits', 'consents', 'events')) not null, \`file_name\` text not null, \`format\` text check (\`format\` in ('csv', 'xlsx')) not null, \`encoding\` text not null default 'auto', \`stored_path\` text null, \`status\` text check (\`status\` in ('queued', 'running', 'completed', 'failed')) not null default 'queued', \`processed\` integer not null default 0, \`created\` integer not null default 0, \`updated\` integer not null default 0, \`unchanged\` integer not null default 0, \`rejected\` integer not null default 0, \`progress\` integer not null default 0, \`ignored_columns\` json not null default '[]', \`error\` text null, \`created_by\` integer null, \`created_at\` datetime not null, \`started_at\` datetime null, \`completed_at\` datetime null, constraint \`imports_created_by_foreign\` foreign key (\`created_by\`) references \`staff\` (\`id\`) on delete set null);`);
    this.addSql(`create index \`imports_status_index\` on \`imports\` (\`status\`);`);
    this.addSql(`create index \`imports_created_by_index\` on \`imports\` (\`created_by\`);`);
    this.addSql(`create index \`imports_created_at_index\` on \`imports\` (\`created_at\`);`);

    this.addSql(`create table \`import_errors\` (\`id\` integer not null primary key autoincrement, \`import_id\` integer not null, \`line\` integer not null, \`field\` text not null, \`value\` text null, \`reason\` text not null, constraint \`import_errors_import_id_foreign\` foreign key (\`import_id\`) references \`imports\` (\`id\`) on delete cascade);`);
    this.addSql(`create index \`import_errors_import_id_index\` on \`import_errors\` (\`import_id\`);`);
    this.addSql(`create index \`import_errors_import_id_line_index\` on \`import_errors\` (\`import_id\`, \`line\`);`);
    this.addSql(`insert into \`role_permissions\` (\`role\`, \`permission\`, \`granted_at\`) values ('manager', 'import:run', '2026-11-30 00:00:00'), ('admin', 'import:run', '2026-11-30 00:00:00');`);
  }

  override down(): void | Promise<void> {
    this.addSql(`delete from \`role_permissions\` where \`permission\` = 'import:run';`);

    this.addSql(`drop table if exists \`imports\`;`);
    this.addSql(`drop table if exists \`import_errors\`;`);
  }

}
