import { Migration } from '@mikro-orm/migrations';

export class Migration20261130023501_imports extends Migration {

  override name = 'Migration20261130023501_imports';

  override up(): void | Promise<void> {
    this.addSql(`create table \`imports\` (\`id\` int unsigned not null auto_increment primary key, \`kind\` enum('customers','members','visits','consents','events') not null, \`file_name\` varchar(255) not null, \`format\` enum('csv','xlsx') not null, \`encoding\` varchar(8) not null default 'auto', \`stored_path\` varchar(500) null, \`status\` enum('queued','running','completed','failed') not null default 'queued', \`processed\` int not null default 0, \`created\` int not null default 0, \`updated\` int not null default 0, \`unchanged\` int not null default 0, \`rejected\` int not null default 0, \`progress\` int not null default 0, \`ignored_columns\` json not null default ('[]'), \`error\` varchar(500) null, \`created_by\` int unsigned null, \`created_at\` datetime not null, \`started_at\` datetime null, \`completed_at\` datetime null) default character set utf8mb4 engine = InnoDB;`);
    this.addSql(`alter table \`imports\` add index \`imports_status_index\` (\`status\`);`);
    this.addSql(`alter table \`imports\` add index \`imports_created_by_index\` (\`created_by\`);`);
    this.addSql(`alter table \`imports\` add index \`imports_created_at_index\` (\`created_at\`);`);

    this.addSql(`create table \`import_errors\` (\`id\` int unsigned not null auto_increment primary key, \`import_id\` int unsigned not null, \`line\` int not null, \`field\` varchar(64) not null, \`value\` varchar(120) null, \`reason\` varchar(255) not null) default character set utf8mb4 engine = InnoDB;`);
    this.addSql(`alter table \`import_errors\` add index \`import_errors_import_id_index\` (\`import_id\`);`);
    this.addSql(`alter table \`import_errors\` add index \`import_errors_import_id_line_index\` (\`import_id\`, \`line\`);`);

    this.addSql(`alter table \`imports\` add constraint \`imports_created_by_foreign\` foreign key (\`created_by\`) references \`staff\` (\`id\`) on delete set null;`);

    this.addSql(`alter table \`import_errors\` add constraint \`import_errors_import_id_foreign\` foreign key (\`import_id\`) references \`imports\` (\`id\`) on delete cascade;`);
    this.addSql(`insert into \`role_permissions\` (\`role\`, \`permission\`, \`granted_at\`) values ('manager', 'import:run', '2026-11-30 00:00:00'), ('admin', 'import:run', '2026-11-30 00:00:00');`);
  }

  override down(): void | Promise<void> {
    this.addSql(`delete from \`role_permissions\` where \`permission\` = 'import:run';`);
    this.addSql(`alter table \`import_errors\` drop foreign key \`import_errors_import_id_foreign\`;`);

    this.addSql(`drop table if exists \`imports\`;`);
    this.addSql(`drop table if exists \`import_errors\`;`);
  }

}
