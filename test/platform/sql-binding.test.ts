import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { raw } from '@mikro-orm/core';
import { createMigratedOrm, DIALECTS } from '../support/database.js';
import { bindQuery } from '../../src/db/bound-sqlite.js';
import { StaffSchema } from '../../src/domain/staff/staff.entity.js';
import { sqlRunner } from '../../src/jobs/sql-backend/sql-runner.js';
import type { Orm } from '../../src/db/orm.js';

const NUL = 'a\u0000b';
const TRICKY = `O'Brien "?" \\ ${NUL} 汉字 🙂`;

describe.each(DIALECTS)('strings with NUL and quotes round-trip on %s', (dialect) => {
  let orm: Orm;
  let close: () => Promise<void>;
  beforeAll(async () => {
    ({ orm, close } = await createMigratedOrm(dialect));
  });
  afterAll(async () => close?.());

  it('stores and reads back a NUL through the entity manager', async () => {
    const em = orm.em.fork();
    const staff = em.create(StaffSchema, { name: TRICKY, role: 'sales' });
    await em.flush();
    const again = await orm.em.fork().findOneOrFail(StaffSchema, { name: TRICKY });
    expect(again.id).toBe(staff.id);
    expect(again.name).toBe(TRICKY);
  });

  it('binds NUL, lists, dates and raw fragments in hand-written SQL', async () => {
    const conn = orm.em.fork().getConnection();
    const rows = await conn.execute<Array<{ name: string }>>('select name from staff where name in (?) and role = ? and created_at < ?', [[TRICKY, 'x'], 'sales', new Date(Date.now() + 60_000)]);
    expect(rows.map((r) => r.name)).toEqual([TRICKY]);
    const counted = await orm.em.fork().count(StaffSchema, { [raw((a) => `length(${a}.name)`)]: { $gt: 0 }, name: { $in: [TRICKY] } });
    expect(counted).toBe(1);
  });

  it('binds values of the SQL job store', async () => {
    const db = sqlRunner(orm);
    const [row] = await db.rows('select ? as v', [NUL]);
    expect(row!.v).toBe(NUL);
  });

  if (dialect === 'sqlite') {
    it('sends no value inside the SQL text', () => {
      const platform = orm.em.getPlatform();
      const when = new Date('2026-03-01T00:00:00Z');
      const bound = bindQuery(platform, 'select ?? from t where a = ? and b in (?) and c > ? and d = ? and e = \\? and f = ?', [
        'name',
        NUL,
        [1, 2, 3],
        when,
        true,
        raw('lower(?)', ['X']),
      ]);
      expect(bound.sql).toBe('select `name` from t where a = ? and b in (?, ?, ?) and c > ? and d = ? and e = ? and f = lower(?)');
      expect(bound.parameters).toEqual([NUL, 1, 2, 3, when.getTime(), 1, 'X']);
    });
  }
});
