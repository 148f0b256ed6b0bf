import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Orm } from '../../src/db/orm.js';
import { databaseBeforeMigration, DIALECTS, type TestDatabase } from '../support/database.js';

/**
 * The one-call-model migration moves phone_call_records (400), call_logs (outreach) and t_call_record
 * (tasks) into `calls` and leaves the seeds' names as views. Every row survives; 400 calls keep their ids,
 * a task call keeps its analysis, caller identifications keep their call.
 */
describe.each(DIALECTS)('migration one-call-model with rows present (%s)', (dialect) => {
  let db: TestDatabase;
  let orm: Orm;
  const sql = <T = Record<string, unknown>>(query: string, params: unknown[] = []) => orm.em.fork().getConnection().execute<T[]>(query, params);

  beforeAll(async () => {
    let rest: () => Promise<void>;
    ({ db, orm, rest } = await databaseBeforeMigration(dialect, 'one_call_model'));

    const at = (minutes: number) => new Date(Date.UTC(2026, 10, 20, 8, minutes));
    await sql(`insert into staff (name, role, forwarding_type, office_timeout_sec, mobile_timeout_sec, duty_days, max_daily_calls, active, created_at, updated_at) values ('张三', 'sales', 'sequential', 15, 20, '[]', 50, 1, ?, ?)`, [at(0), at(0)]);
    await sql(`insert into customers (id, name, level, annual_revenue_fen, order_count, tags, created_at, updated_at) values ('CUST_A', '甲', 'normal', 0, 0, '[]', ?, ?)`, [at(0), at(0)]);
    const pcr = `insert into phone_call_records (id, uuid, direction, caller, caller_last8, callee, callee_last8, customer_id, answered_by, started_at, answered_at, ended_at, duration, recording_path, voicemail, analysis_status, created_at, updated_at) values (?, ?, 'inbound', '+8613800001111', '00001111', '+864008320160', '08320160', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`;
    await sql(pcr, [7, 'in-answered', 'CUST_A', 1, at(1), at(2), at(5), 180, '/rec/7.wav', 0, 'COMPLETED', at(1), at(5)]);
    await sql(pcr, [9, 'in-voicemail', null, null, at(10), null, at(11), 0, '/rec/9.wav', 1, 'PENDING', at(10), at(11)]);
    await sql(pcr, [12, 'in-open', null, null, at(20), null, null, 0, null, 0, null, at(20), at(20)]);
    await sql(`insert into caller_identifications (call_record_id, caller_number, caller_number_last8, match_kind, matched_customer_id, identified_at) values (7, '+8613800001111', '00001111', 'exact', 'CUST_A', ?)`, [at(1)]);
    const log = `insert into call_logs (call_id, phone_number, phone_number_last8, script_id, status, duration, started_at, ended_at, error_message, dry_run, created_at, updated_at) values (?, '+8613900002222', '00002222', 'S1', ?, ?, ?, ?, ?, ?, ?, ?)`;
    await sql(log, ['out-1', 'completed', 60, at(30), at(31), null, 0, at(30), at(31)]);
    await sql(log, ['out-2', 'busy', 0, at(32), at(32), 'CALLEE_BUSY: 忙', 0, at(32), at(32)]);
    await sql(log, ['out-3', 'initiated', 0, null, null, null, 1, at(33), at(33)]);
    await sql(`insert into t_call_task (id, name, status, call_script, tags, total_calls, successful_calls, intended_customers, created_at, updated_at) values (3, '推广', 'COMPLETED', '您好', '[]', 2, 1, 1, ?, ?)`, [at(0), at(0)]);
    const rec = `insert into t_call_record (id, task_id, call_uuid, phone, phone_last8, start_time, end_time, duration, recording_path, analysis_status, created_at, updated_at) values (?, 3, ?, '+8613700003333', '00003333', ?, ?, ?, ?, ?, ?, ?)`;
    await sql(rec, [1, null, at(40), at(41), 45, '/rec/t1.wav', 'COMPLETED', at(40), at(41)]);
    await sql(rec, [2, 'task-uuid-2', at(42), at(42), 0, null, 'PENDING', at(42), at(42)]);
    await sql(`insert into t_call_analysis (record_id, sentiment, keywords, intention, intention_score, summary, created_at, updated_at) values (1, 'POSITIVE', '["价格"]', '高意向', 85, '有兴趣', ?, ?)`, [at(45), at(45)]);

    await rest();
  });
  afterAll(async () => {
    await orm?.close(true);
    await db?.drop();
  });

  it('keeps every call: 3 inbound, 3 outreach, 2 task calls, 400 ids unchanged', async () => {
    const rows = await sql<{ id: number; uuid: string; source: string; direction: string; outcome: string | null }>('select id, uuid, source, direction, outcome from calls order by id');
    expect(rows.length).toBe(8);
    expect(rows.slice(0, 3)).toEqual([
      { id: 7, uuid: 'in-answered', source: '400', direction: 'inbound', outcome: 'answered' },
      { id: 9, uuid: 'in-voicemail', source: '400', direction: 'inbound', outcome: 'voicemail' },
      { id: 12, uuid: 'in-open', source: '400', direction: 'inbound', outcome: null },
    ]);
    expect(rows.slice(3).map((r) => [r.uuid, r.source, r.direction, r.outcome])).toEqual([
      ['out-1', 'outreach', 'outbound', 'answered'],
      ['out-2', 'outreach', 'outbound', 'busy'],
      ['out-3', 'outreach', 'outbound', null],
      ['t_call_record-1', 'task', 'outbound', 'answered'],
      ['task-uuid-2', 'task', 'outbound', 'failed'],
    ]);
    expect(await sql(`select count(*) as n from calls where dry_run = 1`)).toEqual([{ n: 1 }]);
    // The dialler's columns came after: the task keeps its row and its calls (no rebuild cascaded into them).
    expect(await sql('select id, mode, max_attempts from t_call_task')).toEqual([{ id: 3, mode: 'agent', max_attempts: 3 }]);
    expect(await sql(`select count(*) as n from calls where task_id = 3`)).toEqual([{ n: 2 }]);
  });

  it('keeps the links: caller identification to its call, a task call to its analysis (score now 0-1)', async () => {
    expect(await sql('select call_record_id from caller_identifications')).toEqual([{ call_record_id: 7 }]);
    const [analysis] = await sql<{ uuid: string; intention: string; intention_score: number }>('select c.uuid, a.intention, a.intention_score from t_call_analysis a join calls c on c.id = a.record_id');
    expect(analysis).toEqual({ uuid: 't_call_record-1', intention: '高意向', intention_score: 0.85 });
  });

  it('answers the seeds\' table names as views with the seeds\' columns', async () => {
    expect(await sql('select id, uuid, analysis_status from phone_call_records order by id')).toEqual([
      { id: 7, uuid: 'in-answered', analysis_status: 'COMPLETED' },
      { id: 9, uuid: 'in-voicemail', analysis_status: 'PENDING' },
      { id: 12, uuid: 'in-open', analysis_status: null },
    ]);
    expect(await sql('select call_id, phone_number, status from call_logs order by id')).toEqual([
      { call_id: 'out-1', phone_number: '+8613900002222', status: 'completed' },
      { call_id: 'out-2', phone_number: '+8613900002222', status: 'busy' },
      { call_id: 'out-3', phone_number: '+8613900002222', status: 'initiated' },
    ]);
    expect(await sql('select task_id, phone_number, duration from t_call_record order by id')).toEqual([
      { task_id: 3, phone_number: '+8613700003333', duration: 45 },
      { task_id: 3, phone_number: '+8613700003333', duration: 0 },
    ]);
  });
});
