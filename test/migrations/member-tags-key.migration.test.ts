import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Orm } from '../../src/db/orm.js';
import { databaseBeforeMigration, DIALECTS, type TestDatabase } from '../support/database.js';
import { seedMembers } from '../customers/intelligence-fixtures.js';

/**
 * The member_tags_key migration on a database that holds tags: member_tags keyed by (member_id, tag)
 * instead of a number; every tag and the day it was given kept, a member's tag still held once, and a
 * member's tags still gone with the member.
 */
describe.each(DIALECTS)('migration member_tags_key with tags present (%s)', (dialect) => {
  let db: TestDatabase;
  let orm: Orm;
  const sql = <T = Record<string, unknown>>(query: string, params: unknown[] = []) => orm.em.fork().getConnection().execute<T[]>(query, params);
  const given = [
    ['M01', 'high_value', '2026-05-01 08:00:00'],
    ['M01', 'active', '2026-06-01 08:00:00'],
    ['M02', 'dormant', '2026-04-01 08:00:00'],
  ] as const;
  const ms = (at: string) => (dialect === 'sqlite' ? Date.parse(`${at.replace(' ', 'T')}Z`) : at);

  beforeAll(async () => {
    let rest: () => Promise<void>;
    ({ db, orm, rest } = await databaseBeforeMigration(dialect, 'member_tags_key'));
    await seedMembers(orm.em.fork());
    for (const [member, tag, at] of given) await sql('insert into member_tags (member_id, tag, created_at) values (?, ?, ?)', [member, tag, ms(at)]);
    await rest();
  });
  afterAll(async () => {
    await orm?.close(true);
    await db?.drop();
  });

  it('keeps every tag with the day it was given', async () => {
    const rows = await sql<{ member_id: string; tag: string; created_at: unknown }>('select * from member_tags order by member_id, tag');
    expect(rows.map((r) => Object.keys(r).sort())).toEqual(given.map(() => ['created_at', 'member_id', 'tag']));
    expect(rows.map((r) => [r.member_id, r.tag, new Date(r.created_at as string | number).getTime()])).toEqual(
      [...given].sort((a, b) => (a[0] + a[1] < b[0] + b[1] ? -1 : 1)).map(([m, t, at]) => [m, t, Date.parse(`${at.replace(' ', 'T')}Z`)]),
    );
  });

  it('refuses a member\'s tag twice', async () => {
    await expect(sql('insert into member_tags (member_id, tag, created_at) values (?, ?, ?)', ['M01', 'active', ms('2026-07-01 08:00:00')])).rejects.toThrow(/duplicate|unique/i);
  });

  it('deletes a member\'s tags with the member', async () => {
    await sql('delete from member_visits where member_id = ?', ['M02']);
    await sql('delete from members where id = ?', ['M02']);
    expect(await sql('select member_id, tag from member_tags where member_id = ?', ['M02'])).toEqual([]);
  });
});
