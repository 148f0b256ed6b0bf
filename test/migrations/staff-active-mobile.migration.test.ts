import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Orm } from '../../src/db/orm.js';
import { databaseBeforeMigration, DIALECTS, type TestDatabase } from '../support/database.js';

/**
 * The staff-active-mobile-duty-days migration: a generated `active_mobile` with a unique key (a mobile
 * belongs to one active staff member, held by the database), and duty days that old rows stored as the
 * JSON string "[]" become arrays. Run on a database that already holds such rows.
 */
describe.each(DIALECTS)('migration staff_active_mobile_duty_days with rows present (%s)', (dialect) => {
  let db: TestDatabase;
  let orm: Orm;
  const sql = <T = Record<string, unknown>>(query: string, params: unknown[] = []) => orm.em.fork().getConnection().execute<T[]>(query, params);
  const ids: Record<string, number> = {};

  beforeAll(async () => {
    let rest: () => Promise<void>;
    ({ db, orm, rest } = await databaseBeforeMigration(dialect, 'staff_active_mobile_duty_days'));

    const at = new Date(Date.UTC(2026, 10, 20, 8, 0));
    const staff = async (name: string, mobile: string | null, active: boolean, dutyDays: string) => {
      await sql(
        `insert into staff (name, role, mobile, mobile_last8, forwarding_type, office_timeout_sec, mobile_timeout_sec, duty_days, max_daily_calls, active, created_at, updated_at) values (?, 'sales', ?, ?, 'sequential', 15, 20, ?, 50, ?, ?, ?)`,
        [name, mobile, mobile ? mobile.slice(-8) : null, dutyDays, active ? 1 : 0, at, at],
      );
      ids[name] = (await sql<{ id: number }>('select max(id) as id from staff'))[0]!.id;
    };
    // The text "[]" as MikroORM wrote the entity default (a JSON string), a real array, an empty array.
    await staff('老张', '+8613911110000', true, '"[]"');
    await staff('小李', '+8613911110000', true, '["mon","tue"]');
    await staff('前员工', '+8613911110000', false, '"[]"');
    await staff('小王', '+8613922220000', true, '[]');
    await staff('无号码', null, true, '"[]"');

    await rest();
  });
  afterAll(async () => {
    await orm?.close(true);
    await db?.drop();
  });

  const days = (value: unknown) => (typeof value === 'string' ? JSON.parse(value) : value);

  it('turns every duty_days string "[]" into an array and leaves real arrays as they are', async () => {
    const rows = await sql<{ name: string; duty_days: unknown }>('select name, duty_days from staff order by id');
    expect(rows.map((r) => [r.name, days(r.duty_days)])).toEqual([
      ['老张', []],
      ['小李', ['mon', 'tue']],
      ['前员工', []],
      ['小王', []],
      ['无号码', []],
    ]);
    const api = await sql<{ n: number }>(`select count(*) as n from staff where duty_days = '"[]"'`);
    expect(Number(api[0]!.n)).toBe(0);
  });

  it('keeps a shared mobile with the earliest active member, clears it (audited, masked) from the later one, leaves the inactive one alone', async () => {
    const rows = await sql<{ name: string; mobile: string | null; active_mobile: string | null }>('select name, mobile, active_mobile from staff order by id');
    expect(rows).toEqual([
      { name: '老张', mobile: '+8613911110000', active_mobile: '+8613911110000' },
      { name: '小李', mobile: null, active_mobile: null },
      { name: '前员工', mobile: '+8613911110000', active_mobile: null },
      { name: '小王', mobile: '+8613922220000', active_mobile: '+8613922220000' },
      { name: '无号码', mobile: null, active_mobile: null },
    ]);
    const audit = await sql<{ target_id: string; details: unknown }>(`select target_id, details from audit_log where action = 'staff.mobile_cleared'`);
    expect(audit.map((a) => [a.target_id, days(a.details)])).toEqual([[String(ids['小李']), { reason: 'duplicate_active_mobile', mobile: '139****0000', keptBy: ids['老张'] }]]);
  });

  it('the database refuses a second active member with a mobile, and reactivating the former member while it is taken', async () => {
    await expect(sql(`update staff set mobile = '+8613922220000' where id = ?`, [ids['老张']])).rejects.toThrow();
    await expect(sql(`update staff set active = 1 where id = ?`, [ids['前员工']])).rejects.toThrow();
    await sql(`update staff set active = 0 where id = ?`, [ids['老张']]);
    await sql(`update staff set active = 1 where id = ?`, [ids['前员工']]);
    expect(await sql(`select name from staff where active_mobile = '+8613911110000'`)).toEqual([{ name: '前员工' }]);
  });
});
