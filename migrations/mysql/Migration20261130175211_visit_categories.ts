import { Migration } from '@mikro-orm/migrations';

/**
 * The JSON array's categories of visit row `v` as rows `c` (pos from 1, category). JSON_TABLE's text
 * comes in the character set's default collation; `named` compares it in the one visit_categories.name
 * has (the database's, utf8mb4_unicode_ci, as ensureMysqlDatabase creates it).
 */
const unnest = (v: string) => `json_table(${v}.categories, '$[*]' columns (pos for ordinality, category varchar(64) path '$')) c`;
const named = 'k.name = c.category collate utf8mb4_unicode_ci';

/**
 * Adds the names `from` (rows `c`) brings that visit_categories lacks. IGNORE: a parallel writer may add
 * the same name first; NOT EXISTS: a known name takes no auto-increment number.
 */
const addNames = (from: string, where = '1 = 1') =>
  `insert ignore into visit_categories (name) select distinct c.category from ${from}
   where ${where} and c.category is not null and not exists (select 1 from visit_categories k where ${named})`;

/** A visit's rows of member_visit_categories, from visit row `v` (`new` in a trigger; the backfill ignores rows a trigger wrote). */
const addRows = (from: string, v: string, where = '1 = 1') =>
  `insert ${v === 'new' ? '' : 'ignore '}into member_visit_categories (visit_id, pos, member_id, visited_at, category_id)
   select ${v}.id, c.pos, ${v}.member_id, ${v}.visited_at, k.id from ${from} join visit_categories k on ${named} where ${where}`;

/** Backfill step: visit ids per statement (a statement's rows are one undo log). */
const STEP = 200_000;

/**
 * member_visit_categories (each visit's categories as rows, by number) and visit_categories (the
 * numbers), kept by triggers on member_visits: every writer keeps them current without knowing of them
 * (a deleted visit's rows go by the foreign key; MariaDB fires no trigger for a cascaded delete).
 * Existing visits are backfilled in steps of visit ids, after the triggers exist.
 */
export class Migration20261130175211_visit_categories extends Migration {

  override name = 'Migration20261130175211_visit_categories';

  override async up(): Promise<void> {
    await this.execute(`create table \`member_visit_categories\` (\`visit_id\` int unsigned not null, \`pos\` int unsigned not null, \`member_id\` varchar(50) not null, \`visited_at\` datetime not null, \`category_id\` int not null, primary key (\`visit_id\`, \`pos\`)) default character set utf8mb4 engine = InnoDB;`);
    await this.execute(`alter table \`member_visit_categories\` add index \`member_visit_categories_member_id_category_id_visited_at_index\` (\`member_id\`, \`category_id\`, \`visited_at\`);`);
    await this.execute(`create table \`visit_categories\` (\`id\` int unsigned not null auto_increment primary key, \`name\` varchar(64) not null) default character set utf8mb4 engine = InnoDB;`);
    await this.execute(`alter table \`visit_categories\` add unique \`visit_categories_name_unique\` (\`name\`);`);
    await this.execute(`alter table \`member_visit_categories\` add constraint \`member_visit_categories_visit_id_foreign\` foreign key (\`visit_id\`) references \`member_visits\` (\`id\`) on delete cascade;`);

    const fromNew = unnest('new');
    await this.execute(`create trigger member_visits_categories_insert after insert on member_visits for each row begin
      ${addNames(fromNew)};
      ${addRows(fromNew, 'new')};
    end`);
    await this.execute(`create trigger member_visits_categories_update after update on member_visits for each row begin
      if not (new.categories <=> old.categories and new.member_id <=> old.member_id and new.visited_at <=> old.visited_at) then
        delete from member_visit_categories where visit_id = old.id;
        ${addNames(fromNew)};
        ${addRows(fromNew, 'new')};
      end if;
    end`);

    const [row] = await this.execute('select coalesce(max(id), 0) as hi from member_visits');
    const hi = Number(row?.hi ?? 0);
    const fromVisits = `member_visits v cross join ${unnest('v')}`;
    for (let lo = 0; lo < hi; lo += STEP) {
      const range = [lo, lo + STEP];
      await this.execute(addNames(fromVisits, 'v.id > ? and v.id <= ?'), range);
      await this.execute(addRows(fromVisits, 'v', 'v.id > ? and v.id <= ?'), range);
    }
  }

  override async down(): Promise<void> {
    await this.execute('drop trigger if exists member_visits_categories_insert');
    await this.execute('drop trigger if exists member_visits_categories_update');
    await this.execute('drop table if exists `member_visit_categories`');
    await this.execute('drop table if exists `visit_categories`');
  }

}
