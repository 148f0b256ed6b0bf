import type { Connection } from 'mysql2/promise';

/**
 * What a behaviour run writes, kept aside and put back (bench --against: the old and the new code
 * run from the same state), and a fingerprint of it to check two runs wrote the same (ids, updated_at,
 * computed_at and a tag's created_at left out: they are when, not what).
 */
const TABLES = ['member_behavior', 'member_tags', 'segment_stats', 'rfm_thresholds', 'behavior_runs'] as const;

export async function snapshot(conn: Connection): Promise<void> {
  for (const table of TABLES) {
    await conn.query(`DROP TABLE IF EXISTS bench_snap_${table}`);
    await conn.query(`CREATE TABLE bench_snap_${table} AS SELECT * FROM ${table}`);
  }
  await conn.query('DROP TABLE IF EXISTS bench_snap_segments');
  await conn.query("CREATE TABLE bench_snap_segments AS SELECT 'm' AS kind, id, segment FROM members UNION ALL SELECT 'c', id, segment FROM customers");
}

/** Puts the kept rows back: each table emptied with TRUNCATE (nothing references them; DELETE left millions of rows to purge behind the next run), then refilled. */
export async function restore(conn: Connection): Promise<void> {
  for (const table of TABLES) {
    await conn.query(`TRUNCATE TABLE ${table}`);
    await conn.query(`INSERT INTO ${table} SELECT * FROM bench_snap_${table}`);
  }
  await conn.query("UPDATE members m JOIN bench_snap_segments s ON s.kind = 'm' AND s.id = m.id SET m.segment = s.segment");
  await conn.query("UPDATE customers c JOIN bench_snap_segments s ON s.kind = 'c' AND s.id = c.id SET c.segment = s.segment");
}

export async function dropSnapshot(conn: Connection): Promise<void> {
  for (const table of [...TABLES, 'segments']) await conn.query(`DROP TABLE IF EXISTS bench_snap_${table}`);
}

const row = (cols: string[]) => `CRC32(CONCAT_WS('|', ${cols.map((c) => `COALESCE(${c}, '~')`).join(', ')}))`;

/** Counts and CRC32 sums of every written value (by member), the stats rows and the cut points as they are. */
export async function fingerprint(conn: Connection): Promise<string> {
  const behaviour = [
    'member_id', 'visit_frequency', 'avg_spending_fen', 'last_visit_date', 'total_spending_fen', 'favorite_categories', 'preferred_time_slots',
    'response_rate', 'churn_risk', 'visits_365d', 'spending_365d_fen', 'visit_count', 'first_visit_at', 'last_visit_at', 'recency_days',
    'usual_interval_days', 'night_share', 'campaigns_received', 'r_score', 'f_score', 'm_score', 'segment',
  ];
  const parts = await Promise.all([
    conn.query(`SELECT COUNT(*) AS n, SUM(${row(behaviour)}) AS sum FROM member_behavior`),
    conn.query(`SELECT COUNT(*) AS n, SUM(${row(['member_id', 'tag'])}) AS sum FROM member_tags`),
    conn.query(`SELECT COUNT(*) AS n, SUM(${row(['id', 'segment'])}) AS sum FROM members`),
    conn.query(`SELECT COUNT(*) AS n, SUM(${row(['id', 'segment'])}) AS sum FROM customers`),
    conn.query('SELECT segment, members, spending_sum_fen, spending365d_sum_fen, avg_spending_fen, avg_spending365d_fen FROM segment_stats ORDER BY segment'),
    conn.query('SELECT dimension, p20, p40, p60, p80, population FROM rfm_thresholds ORDER BY dimension'),
  ]);
  return JSON.stringify(parts.map(([rows]) => rows));
}

/** A numeric global server variable (sizes in bytes, percentages, counts). */
export async function globalSetting(conn: Connection, name: string): Promise<number> {
  const [[row]] = (await conn.query('SHOW GLOBAL VARIABLES LIKE ?', [name])) as any;
  return Number(row.Value);
}

/**
 * Waits (at most `maxMs`) until InnoDB has written the pages a snapshot or restore dirtied and purged what
 * it deleted, so the run timed next does not pay for them: at 1M a restore leaves ≈ 1 GB of dirty pages
 * and redo, which the page cleaner writes at `innodb_io_capacity` (200 pages a second by default) while
 * the next runs ran (one saw load 4.7, IO wait 50 %). Meanwhile flushing is hurried (io capacity 20,000,
 * `innodb_max_dirty_pages_pct = 0`; the 20,000 dirty pages left after one restore were written in under
 * 2 s), then the settings are put back. Returns the milliseconds waited.
 */
export async function settle(conn: Connection, maxMs = 120_000): Promise<number> {
  const t0 = performance.now();
  const [pct, capacity, capacityMax] = [
    await globalSetting(conn, 'innodb_max_dirty_pages_pct'),
    await globalSetting(conn, 'innodb_io_capacity'),
    await globalSetting(conn, 'innodb_io_capacity_max'),
  ];
  const [[pool]] = (await conn.query("SHOW GLOBAL STATUS LIKE 'Innodb_buffer_pool_pages_total'")) as any;
  await conn.query(`SET GLOBAL innodb_io_capacity_max = ${Math.max(capacityMax, 20_000)}`);
  await conn.query(`SET GLOBAL innodb_io_capacity = ${Math.max(capacity, 20_000)}`);
  await conn.query('SET GLOBAL innodb_max_dirty_pages_pct = 0');
  try {
    for (;;) {
      const [rows] = (await conn.query("SELECT name, count FROM information_schema.innodb_metrics WHERE name IN ('buffer_pool_pages_dirty', 'trx_rseg_history_len')")) as any;
      const m = Object.fromEntries((rows as Array<{ name: string; count: number }>).map((r) => [r.name, Number(r.count)]));
      if ((m.buffer_pool_pages_dirty! < Number(pool.Value) / 200 && m.trx_rseg_history_len! < 1000) || performance.now() - t0 > maxMs) break;
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
  } finally {
    await conn.query(`SET GLOBAL innodb_max_dirty_pages_pct = ${pct}`);
    await conn.query(`SET GLOBAL innodb_io_capacity = ${capacity}`);
    await conn.query(`SET GLOBAL innodb_io_capacity_max = ${capacityMax}`);
  }
  return performance.now() - t0;
}
