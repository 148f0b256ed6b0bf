import { Migration } from '@mikro-orm/migrations';

/**
 * Visit rows `v` (`new` in a trigger, else every member_visits row) with their categories as rows `c`
 * (key: the position, value: the name), an array's elements only, as MariaDB's JSON_TABLE '$[*]' gives
 * them (json_each gives a scalar — the ORM stores an omitted list as the JSON string "[]" — as a row).
 */
const unnest = (v: string) => `${v === 'new' ? '' : `member_visits ${v} cross join `}json_each(${v}.categories) c`;
const isArray = (v: string) => `json_type(${v}.categories) = 'array'`;

/** Adds the names visit row `v`'s categories bring that visit_categories lacks. */
const addNames = (v: string) =>
  `insert into visit_categories (name) select distinct c.value from ${unnest(v)}
   where ${isArray(v)} and c.value is not null and not exists (select 1 from visit_categories k where k.name = c.value)`;

/** Visit row `v`'s rows of member_visit_categories. */
const addRows = (v: string) =>
  `insert into member_visit_categories (visit_id, pos, member_id, visited_at, category_id)
   select ${v}.id, c.key, ${v}.member_id, ${v}.visited_at, k.id from ${unnest(v)} join visit_categories k on k.name = c.value
   where ${isArray(v)}`;

/**
 * member_visit_categories (each visit's categories as rows, by number) and visit_categories (the
 * numbers), kept by triggers on member_visits: every writer keeps them current without knowing of them
 * (a deleted visit's rows go by the foreign key). Existing visits are backfilled.
 */

export class Migration20261130175206_visit_categories extends Migration {

  override name = 'Migration20261130175206_visit_categories';

  override up(): void | Promise<void> {
    this.addSql(`create table \`member_visit_categories\` (\`visit_id\` integer not null, \`pos\` integer not null, \`member_id\` text not null, \`visited_at\` datetime not null, \`category_id\` integer not null, primary key (\`visit_id\`, \`pos\`), constraint \`member_visit_categories_visit_id_foreign\` foreign key (\`visit_id\`) references \`member_visits\` (\`id\`) on delete cascade);`);
    this.addSql(`create index \`member_visit_categories_member_id_category_id_visited_at_index\` on \`member_visit_categories\` (\`member_id\`, \`category_id\`, \`visited_at\`);`);

    this.addSql(`create table \`visit_categories\` (\`id\` integer not null primary key autoincrement, \`name\` text not null);`);
    this.addSql(`create unique index \`visit_categories_name_unique\` on \`visit_categories\` (\`name\`);`);

    this.addSql(`create trigger member_visits_categories_insert after insert on member_visits begin
      ${addNames('new')};
      ${addRows('new')};
    end;`);
    this.addSql(`create trigger member_visits_categories_update after update of member_id, visited_at, categories on member_visits begin
      delete from member_visit_categories where visit_id = old.id;
      ${addNames('new')};
      ${addRows('new')};
    end;`);
    this.addSql(`${addNames('v')};`);
    this.addSql(`${addRows('v')};`);
  }

  override down(): void | Promise<void> {
    this.addSql('drop trigger if exists member_visits_categories_insert;');
    this.addSql('drop trigger if exists member_visits_categories_update;');
    this.addSql(`drop table if exists \`member_visit_categories\`;`);
    this.addSql(`drop table if exists \`visit_categories\`;`);
  }

}
