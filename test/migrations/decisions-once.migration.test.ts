import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Orm } from '../../src/db/orm.js';
import { databaseBeforeMigration, DIALECTS, type TestDatabase } from '../support/database.js';

/**
 * The decisions-once migration adds invitations.open_key with a unique key. Databases written before it
 * may hold two open invitations for one customer and event (the old check raced): the migration keeps
 * every row, gives the key to the oldest open one, and moves the permission grants.
 */
describe.each(DIALECTS)('migration decisions-once-dry-run with rows present (%s)', (dialect) => {
  let db: TestDatabase;
  let orm: Orm;
  const sql = <T = Record<string, unknown>>(query: string, params: unknown[] = []) => orm.em.fork().getConnection().execute<T[]>(query, params);

  beforeAll(async () => {
    let rest: () => Promise<void>;
    ({ db, orm, rest } = await databaseBeforeMigration(dialect, 'decisions_once_dry_run'));

    const at = (minutes: number) => new Date(Date.UTC(2026, 10, 20, 8, minutes));
    await sql(`insert into staff (name, role, forwarding_type, office_timeout_sec, mobile_timeout_sec, duty_days, max_daily_calls, active, created_at, updated_at) values ('张三', 'sales', 'sequential', 15, 20, '[]', 50, 1, ?, ?)`, [at(0), at(0)]);
    for (const c of ['CUST_A', 'CUST_B']) {
      await sql(`insert into customers (id, name, level, annual_revenue_fen, order_count, tags, created_at, updated_at) values (?, ?, 'normal', 0, 0, '[]', ?, ?)`, [c, c, at(0), at(0)]);
    }
    await sql(`insert into events (id, name, event_date, created_at, updated_at) values ('EV1', '活动', ?, ?, ?)`, [at(600), at(0), at(0)]);
    const invitation = (id: string, customer: string, status: string, minute: number) =>
      sql(`insert into invitations (id, customer_id, event_id, event_name, event_date, content, channel, status, created_at, updated_at) values (?, ?, 'EV1', '活动', ?, '内容', 'sms', ?, ?, ?)`, [id, customer, at(600), status, at(minute), at(minute)]);
    // CUST_A: a rejected one, then two open ones (the race the old check lost); CUST_B: one sent.
    await invitation('INV-A0', 'CUST_A', 'rejected', 1);
    await invitation('INV-A2', 'CUST_A', 'pending_approval', 3);
    await invitation('INV-A1', 'CUST_A', 'approved', 2);
    await invitation('INV-B1', 'CUST_B', 'sent', 4);
    await sql(`insert into consents (phone, phone_last8, channel, state, source, recorded_at) values ('+8613900001111', '00001111', 'sms', 'opted_out', 'sms_reply', ?)`, [at(5)]);

    await rest();
  });
  afterAll(async () => {
    await orm?.close(true);
    await db?.drop();
  });

  it('keeps every invitation and gives the open key to the oldest open one of each customer and event', async () => {
    const rows = await sql<{ id: string; status: string; open_key: string | null }>('select id, status, open_key from invitations order by id');
    expect(rows).toEqual([
      { id: 'INV-A0', status: 'rejected', open_key: null },
      { id: 'INV-A1', status: 'approved', open_key: 'CUST_A|EV1' },
      { id: 'INV-A2', status: 'pending_approval', open_key: null },
      { id: 'INV-B1', status: 'sent', open_key: 'CUST_B|EV1' },
    ]);
    await expect(sql(`update invitations set open_key = 'CUST_A|EV1' where id = 'INV-A2'`)).rejects.toThrow();
  });

  it('keeps the ledger and marks nothing old as a dry run', async () => {
    expect(await sql('select phone, dedup_key from consents')).toEqual([{ phone: '+8613900001111', dedup_key: null }]);
    expect(await sql('select count(*) as n from sms_logs where dry_run = 1')).toEqual([{ n: 0 }]);
  });

  it('removes compliance:manage (never checked) and grants todo:manage to managers and admins', async () => {
    expect(await sql(`select role from role_permissions where permission = 'compliance:manage'`)).toEqual([]);
    expect((await sql<{ role: string }>(`select role from role_permissions where permission = 'todo:manage'`)).map((r) => r.role).sort()).toEqual(['admin', 'manager']);
  });
});
