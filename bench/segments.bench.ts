/**
 * Customer intelligence at scale on MariaDB: N members with ~10·N visits generated in SQL (SEQUENCE
 * engine, INSERT … SELECT, CRC32 for spread), then the nightly recompute (behaviour + RFM + segments + tags), RFM alone
 * (cut points + scores + segments + tags), an incremental run after 10,000 members had a new visit,
 * GET …/segment p99 (the service the route calls), peak RSS, and the same behaviour computed member by
 * member in JavaScript over 10,000 members, extrapolated, as the ratio to beat.
 *   npm run bench -- segments [--members 100000] [--chunk 20000] [--parallel 2] [--loop 10000] [--db <name>] [--against <ref> [--rounds 1]] [--compare-nightly] [--buffer-pool-mb 8192] [--redo-log-mb 1024]
 * Each step prints its statements' time by kind (statement-timer.ts): seconds, share, count.
 * --against <ref> times, in the same run, the nightly, RFM alone and the incremental run with <ref>'s code (its
 * behavior-run.service.ts and behavior.query.ts from a copy of its tree, ref-tree.ts, on an ORM of its own over the same
 * database) against this tree's, each from the same saved state, `--rounds` times alternating (<ref> first), and checks
 * both wrote the same (behavior-snapshot.ts). (It replaces --compare --before …, which rewrote this tree's statements
 * back into older ones, text and parameters, bench/legacy-*.ts: each rewrite broke when the statements moved on.)
 * It also times the cut points by sorting (three window numberings over the active members) and the
 * whole segment_stats recount an incremental run used to end with; it checks both cut points agree and
 * that the stats the incremental run moved by differences equal a recount; --compare-nightly runs the
 * nightly recompute one chunk at a time (--parallel 1) first, as before, for the ratio.
 * The issue's scale is --members 1000000 (≈ 10M visits; generating them takes 5-40 min on the shared dev box).
 * On fresh data a first nightly (as of the day before) writes every row, as a first night would; the nightly measured is the next one.
 * --db keeps the generated data (--data-only: generate and stop) in that database for later runs.
 * The run raises the server's InnoDB buffer pool and redo log to the given sizes when smaller (0: leave it) and restores them.
 */
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { createConnection, type Connection } from 'mysql2/promise';
import { BehaviorSql, computeCuts, loadCuts, refreshSegmentStats, storeCuts } from '../src/domain/customers/behavior.query.js';
import { runBehavior, scoreEveryone, utcOffsetMinutes } from '../src/domain/customers/behavior-run.service.js';
import { churnRisk, cutPositions, usualInterval } from '../src/domain/customers/rfm.policy.js';
import { SegmentRuleSchema } from '../src/domain/customers/segment-rule.entity.js';
import { segmentOverview } from '../src/domain/customers/segments.service.js';
import type { SegmentRuleData } from '../src/domain/customers/rfm.policy.js';
import { MemberVisitSchema } from '../src/domain/members/member-visit.entity.js';
import { MemberBehaviorSchema } from '../src/domain/members/member-behavior.entity.js';
import type { Actor } from '../src/domain/auth/actor.js';
import { PERMISSIONS } from '../src/domain/auth/permissions.js';
import { createMigratedOrm, mysqlServerUrl } from '../test/support/database.js';
import { connectOrm, ensureMysqlDatabase, migrateUp, type Orm } from '../src/db/orm.js';
import { parseDatabaseUrl, type DatabaseTarget } from '../src/db/database-url.js';
import type { AbstractSqlConnection } from '@mikro-orm/sql';
import { BEHAVIOR_STEPS, timeStatements, type StatementTimer } from './statement-timer.js';
import { dropSnapshot, fingerprint, globalSetting, restore as restoreSnapshot, settle, snapshot } from './behavior-snapshot.js';
import { refTree } from './ref-tree.js';

export const description = 'behaviour + RFM + segments + tags over 1M members / 10M visits on MariaDB: nightly, RFM, incremental, GET p99, RSS, vs a per-member loop';

const TZ = 'Asia/Shanghai';
const DAY = 86_400_000;
const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)]!;
};
const secs = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

/** A kept database (`--db <name>`): created and migrated once, its generated data reused by later runs. */
async function keptDatabase(name: string): Promise<{ orm: Orm; target: DatabaseTarget; close(): Promise<void> }> {
  const target = parseDatabaseUrl(`${mysqlServerUrl}/${name}`);
  if (target.kind !== 'mysql') throw new Error('segments bench runs on MariaDB');
  await ensureMysqlDatabase(target);
  const orm = await connectOrm(target);
  await migrateUp(orm);
  return { orm, target, close: () => orm.close(true) };
}

const MB = 1024 * 1024;

type RunModule = typeof import('../src/domain/customers/behavior-run.service.js');
type QueryModule = typeof import('../src/domain/customers/behavior.query.js');
/** The behaviour run's code a timed step calls: this tree's, or <ref>'s (--against) with an ORM of its own. */
type Code = Pick<RunModule, 'runBehavior' | 'scoreEveryone'> & Pick<QueryModule, 'BehaviorSql' | 'computeCuts' | 'storeCuts' | 'loadCuts'> & { orm: Orm; timer: StatementTimer; label: string };

/** <ref>'s behaviour run code from a copy of its tree, connected to the same database (migrated by this tree). */
async function codeOf(ref: string, target: DatabaseTarget): Promise<Code> {
  const { sha, dir } = refTree(ref, 'segments');
  const load = <T>(path: string) => import(join(dir, path)) as Promise<T>;
  const run = await load<RunModule>('src/domain/customers/behavior-run.service.ts');
  const query = await load<QueryModule>('src/domain/customers/behavior.query.ts');
  const { connectOrm: connectTheirs } = await load<{ connectOrm: typeof connectOrm }>('src/db/orm.ts');
  const orm = await connectTheirs(target);
  const timer = timeStatements(orm.em.getConnection() as AbstractSqlConnection, BEHAVIOR_STEPS);
  return { runBehavior: run.runBehavior, scoreEveryone: run.scoreEveryone, BehaviorSql: query.BehaviorSql, computeCuts: query.computeCuts, storeCuts: query.storeCuts, loadCuts: query.loadCuts, orm, timer, label: `${sha} (${ref})` };
}

/**
 * Raises the given global InnoDB sizes on the local server for the run (never lowers them; 0 leaves one
 * as it is) and returns what puts them back (also run when the bench is stopped by SIGINT or SIGTERM).
 * MariaDB resizes both online; the default buffer pool of 128 MB holds a tenth of member_visits at 1M
 * members, so a run would measure the disk, not the SQL.
 */
async function serverSettings(conn: Connection, wanted: Record<string, number>): Promise<() => Promise<void>> {
  const before: Record<string, number> = {};
  for (const [name, size] of Object.entries(wanted)) {
    const current = await globalSetting(conn, name);
    if (size > current) {
      await conn.query(`SET GLOBAL ${name} = ${size}`);
      before[name] = current;
    }
    console.log(`server: ${name} = ${Math.max(current, size) / MB} MB${size > current ? ` (raised from ${current / MB} MB for the run)` : ''}`);
  }
  const restore = async () => {
    process.off('SIGINT', interrupted).off('SIGTERM', interrupted);
    for (const [name, size] of Object.entries(before)) {
      if (name === 'innodb_buffer_pool_size') await shrinkPool(conn, size);
      else await conn.query(`SET GLOBAL ${name} = ${size}`);
    }
  };
  // Stopped with Ctrl-C or a kill: the shared server gets its sizes back before the process ends.
  const interrupted = (signal: NodeJS.Signals) => {
    console.log(`${signal}: putting the server's sizes back`);
    void restore().finally(() => process.exit(signal === 'SIGINT' ? 130 : 143));
  };
  if (Object.keys(before).length) process.once('SIGINT', interrupted).once('SIGTERM', interrupted);
  return restore;
}

/**
 * Shrinks the buffer pool to `size` by halves, each resize finished before the next: while InnoDB withdraws
 * a large share of its pages at once it refuses page-splitting inserts server-wide ("Lock table is full",
 * seen in another process's CREATE TABLE when the pool went from 4 GB to 128 MB in one step).
 */
async function shrinkPool(conn: Connection, size: number): Promise<void> {
  const pool = () => globalSetting(conn, 'innodb_buffer_pool_size');
  for (let current = await pool(); current > size; current = await pool()) {
    await conn.query(`SET GLOBAL innodb_buffer_pool_size = ${Math.max(size, Math.floor(current / 2))}`);
    // Resizing runs in the background; its status reads "Completed resizing buffer pool at …" (or nothing) when done.
    for (let polls = 0; ; polls++) {
      const [[status]] = (await conn.query("SHOW GLOBAL STATUS LIKE 'Innodb_buffer_pool_resize_status'")) as any;
      if (!status?.Value || /^Completed/.test(status.Value)) break;
      if (polls >= 600) throw new Error(`buffer pool resize not finished after 2 minutes: ${status.Value}`);
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    if ((await pool()) >= current) throw new Error(`buffer pool did not shrink below ${current / MB} MB`);
  }
}

/** The tables the run reads and writes (their data and indexes are its working set). */
const RUN_TABLES = ['members', 'member_visits', 'member_visit_categories', 'member_behavior', 'member_tags'];

/**
 * Prints the run's working set (InnoDB's estimate of its tables' data and indexes) beside the buffer pool:
 * a pool smaller than the working set measures the disk — at 1M members ≈ 3.8 GB: the warm nightly took
 * 57.3 s with the old default 4 GB pool, 43.7–54.2 s with 8 GB, in separate runs (README, Customer intelligence, Speed).
 */
async function printWorkingSet(conn: Connection, dbName: string): Promise<void> {
  const [[size]] = (await conn.query(
    `SELECT COALESCE(SUM(data_length + index_length), 0) AS bytes FROM information_schema.tables WHERE table_schema = ? AND table_name IN (?)`,
    [dbName, RUN_TABLES],
  )) as any;
  const workingMb = Number(size.bytes) / MB;
  const poolMb = (await globalSetting(conn, 'innodb_buffer_pool_size')) / MB;
  const fits = poolMb >= workingMb * 1.25;
  console.log(`working set ≈ ${workingMb.toFixed(0)} MB (data + indexes of ${RUN_TABLES.join(', ')}), buffer pool ${poolMb} MB${fits ? '' : ' — smaller than 1.25 × the working set: the run measures the disk (raise --buffer-pool-mb)'}`);
}

export async function run(args: string[]): Promise<void> {
  const { values } = parseArgs({
    args,
    options: {
      members: { type: 'string', default: '100000' },
      chunk: { type: 'string', default: '20000' },
      parallel: { type: 'string', default: '2' },
      'compare-nightly': { type: 'boolean', default: false },
      rounds: { type: 'string', default: '1' },
      loop: { type: 'string', default: '10000' },
      db: { type: 'string' },
      'data-only': { type: 'boolean', default: false },
      against: { type: 'string' },
      'buffer-pool-mb': { type: 'string', default: '8192' },
      'redo-log-mb': { type: 'string', default: '1024' },
    },
  });
  const members = Number(values.members);
  const chunk = Number(values.chunk);
  const parallel = Number(values.parallel);
  const rounds = Math.max(1, Number(values.rounds));
  const loopMembers = Math.min(Number(values.loop), members);
  const opened = values.db ? await keptDatabase(values.db) : await createMigratedOrm('mysql').then(({ orm, db, close }) => ({ orm, target: db.target, close }));
  const { orm, close } = opened;
  let peakRss = process.memoryUsage().rss;
  let restoreSettings = async () => {};
  let closeTheirs = () => Promise.resolve();
  const sample = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 100);
  try {
    if (opened.target.kind !== 'mysql') throw new Error('segments bench runs on MariaDB');
    const t = opened.target;
    const conn = await createConnection({ host: t.host, port: t.port, user: t.user, password: t.password, database: t.dbName });
    const restore = await serverSettings(conn, { innodb_buffer_pool_size: Number(values['buffer-pool-mb']) * MB, innodb_log_file_size: Number(values['redo-log-mb']) * MB });
    restoreSettings = async () => {
      await restore();
      await conn.end();
    };
    const now = new Date();
    const nowSql = now.toISOString().slice(0, 19).replace('T', ' ');

    // 1. Data, set-based (MariaDB's SEQUENCE engine): members i = 0..N-1, each with 1-19 visits (≈ 10 on
    //    average) spread by CRC32 over the last 60-660 days. A kept database (--db) that already holds N
    //    members is reused as it is.
    const [[{ have }]] = (await conn.query('SELECT COUNT(*) AS have FROM members')) as any;
    if (Number(have) !== members) {
      if (Number(have) !== 0) throw new Error(`database ${t.dbName} holds ${have} members, not ${members}; use another --db`);
      const loadStart = performance.now();
      const step = 100_000;
      for (let lo = 0; lo < members; lo += step) {
        const hi = Math.min(lo + step, members);
        await conn.query(
          `INSERT INTO members (id, name, phone, phone_last8, tier, points, status, tags, joined_at, created_at, updated_at)
           SELECT CONCAT('M', LPAD(seq, 7, '0')), CONCAT('会员', seq), CONCAT('+86138', LPAD(seq, 8, '0')), LPAD(seq, 8, '0'), 'silver', 0,
                  IF(seq % 50 = 0, 'inactive', 'active'), '[]', ? - INTERVAL (30 + seq % 1500) DAY, ?, ?
           FROM seq_${lo}_to_${hi - 1}`,
          [nowSql, nowSql, nowSql],
        );
        await conn.query(
          `INSERT INTO member_visits (member_id, visited_at, spending_fen, categories, created_at)
           SELECT m.id, ? - INTERVAL (CRC32(CONCAT(m.id, '/', v.seq)) % (60 + CRC32(m.id) % 600)) DAY - INTERVAL (CRC32(CONCAT(v.seq, m.id)) % 1440) MINUTE,
                  1000 + CRC32(CONCAT(m.id, '$', v.seq)) % (5000 + CRC32(m.id) % 50000),
                  ELT(1 + CRC32(CONCAT(v.seq, '#', m.id)) % 5, '["beer"]', '["wine","snack"]', '["package"]', '["snack"]', '["beer","package"]'), ?
           FROM members m JOIN seq_0_to_18 v ON v.seq < 1 + CRC32(m.id) % 19
           WHERE m.id >= CONCAT('M', LPAD(?, 7, '0')) AND m.id < CONCAT('M', LPAD(?, 7, '0'))`,
          [nowSql, nowSql, lo, hi],
        );
        if (members >= 500_000) console.log(`  … ${hi.toLocaleString()} members (${secs(performance.now() - loadStart)})`);
      }
      await conn.query('ANALYZE TABLE members, member_visits');
      console.log(`generated ${members.toLocaleString()} members in ${secs(performance.now() - loadStart)}`);
    } else {
      console.log(`reusing ${members.toLocaleString()} members in ${t.dbName}`);
    }
    const [[{ visits }]] = (await conn.query('SELECT COUNT(*) AS visits FROM member_visits')) as any;
    console.log(`${members.toLocaleString()} members, ${Number(visits).toLocaleString()} visits`);
    if (values['data-only']) return;
    const ormConn = orm.em.getConnection() as AbstractSqlConnection;
    const timer = timeStatements(ormConn, BEHAVIOR_STEPS);
    const ours: Code = { runBehavior, scoreEveryone, BehaviorSql, computeCuts, storeCuts, loadCuts, orm, timer, label: 'this tree' };
    const theirs = values.against ? await codeOf(values.against, opened.target) : null;
    closeTheirs = async () => void (await theirs?.orm.close(true));
    /** Runs `work` with <ref>'s code, then with this tree's, from the same state; prints the ratio and whether both wrote the same. */
    const oldAgainstNew = async (what: string, work: (code: Code) => Promise<number>, ref: Code): Promise<number> => {
      // Each timed run starts once the pages the snapshot or restore wrote are on disk (settle).
      const settled = async () => console.log(`  (settled ${secs(await settle(conn))} after the snapshot/restore; load ${loadavg()[0]!.toFixed(1)})`);
      await snapshot(conn);
      await settled();
      let oldMs = 0;
      let newMs = 0;
      let same = true;
      for (let round = 1; round <= rounds; round++) {
        if (round > 1) {
          await restoreSnapshot(conn);
          await settled();
        }
        console.log(`  ${what}, the code of ${ref.label} (--against, round ${round} of ${rounds}):`);
        oldMs += await work(ref);
        const oldPrint = await fingerprint(conn);
        await restoreSnapshot(conn);
        await settled();
        console.log(`  ${what}, this tree, from the same state:`);
        newMs += await work(ours);
        same &&= oldPrint === (await fingerprint(conn));
      }
      await dropSnapshot(conn);
      console.log(
        `  ${what}: before ${secs(oldMs / rounds)}, now ${secs(newMs / rounds)} (mean of ${rounds}, alternating, in this run): ×${(oldMs / newMs).toFixed(2)} faster; ${same ? 'the same behaviour, scores, segments, tags, stats and cut points' : 'RESULTS DIFFER'}`,
      );
      if (!same) process.exitCode = 1;
      return newMs / rounds;
    };

    // 2. Nightly recompute: behaviour + RFM + segments + tags (with --compare-nightly first one chunk at a time, as before).
    //    On fresh data a first run writes every row (as the first night in production); the run measured is the next one.
    const [[{ rows: behaviourRows }]] = (await conn.query('SELECT COUNT(*) AS `rows` FROM member_behavior')) as any;
    if (Number(behaviourRows) === 0) {
      const t0 = performance.now();
      await runBehavior(orm.em.fork(), { mode: 'full', now: new Date(now.getTime() - DAY), timeZone: TZ, chunkSize: chunk, parallel });
      console.log(`first nightly on fresh data (every row inserted), as of the day before: ${secs(performance.now() - t0)}`);
      // The nightly measured starts once that bulk write's pages are on disk, as every --against round does.
      console.log(`  (settled ${secs(await settle(conn))} after the first nightly; load ${loadavg()[0]!.toFixed(1)})`);
    }
    await printWorkingSet(conn, t.dbName);
    const nightly = async (par: number, code = ours) => {
      code.timer.reset();
      const t0 = performance.now();
      let behaviourMs = 0;
      const onProgress = async (percent: number) => void (percent >= 50 && !behaviourMs && (behaviourMs = performance.now() - t0));
      const full = await code.runBehavior(code.orm.em.fork(), { mode: 'full', now, timeZone: TZ, chunkSize: chunk, parallel: par, onProgress });
      const ms = performance.now() - t0;
      console.log(`nightly recompute (full, chunk ${chunk}, ${par} at a time): ${secs(ms)}  (${full.members.toLocaleString()} members; behaviour step ${secs(behaviourMs)}, cut points + scores + segments + tags ${secs(ms - behaviourMs)})   aim ≤ 60 s   load ${loadavg()[0]!.toFixed(1)}`);
      console.log(code.timer.report('nightly'));
      return ms;
    };
    const sequentialMs = values['compare-nightly'] && parallel !== 1 ? await nightly(1) : null;
    const nightlyMs = theirs ? await oldAgainstNew('nightly', (code) => nightly(parallel, code), theirs) : await nightly(parallel);
    if (sequentialMs) console.log(`  parallel ${parallel} against 1 in this run: ×${(sequentialMs / nightlyMs).toFixed(2)} faster`);

    // 3. RFM alone: cut points, scores, segments, memberships, tags, segment stats over everyone.
    const sql = new BehaviorSql(orm.em.fork());
    const rules = (await orm.em.fork().find(SegmentRuleSchema, {})) as SegmentRuleData[];
    const clock = { asOf: now, offsetMinutes: utcOffsetMinutes(now, TZ) };
    let computed = await computeCuts(sql);
    let cutsMs = 0;
    const rfmAlone = async (code = ours) => {
      code.timer.reset();
      const db = code === ours ? sql : new code.BehaviorSql(code.orm.em.fork());
      const t1 = performance.now();
      computed = await code.computeCuts(db);
      cutsMs = performance.now() - t1;
      await code.storeCuts(db, computed, now);
      const cuts = (await code.loadCuts(db))!;
      await code.scoreEveryone(code.orm.em.fork(), { cuts, rules, clock, chunk, parallel });
      const rfmMs = performance.now() - t1;
      console.log(`RFM alone (cut points + scores + segments + tags): ${secs(rfmMs)} (cut points ${secs(cutsMs)})   aim ≤ 20 s   load ${loadavg()[0]!.toFixed(1)}`);
      console.log(code.timer.report('RFM alone'));
      return rfmMs;
    };
    if (theirs) await oldAgainstNew('RFM alone', rfmAlone, theirs);
    else await rfmAlone();
    if (theirs) {
      const t = performance.now();
      const sorted = await cutsBySorting(sql);
      const sortedMs = performance.now() - t;
      const same = JSON.stringify(sorted) === JSON.stringify(computed);
      console.log(`  cut points by sorting, again: ${secs(sortedMs)} (first ${secs(cutsMs)}); ${same ? 'the same cut points' : `DIFFERENT: ${JSON.stringify(sorted)} against ${JSON.stringify(computed)}`}`);
    }

    // 4. Incremental after 10,000 members had a new visit.
    const changed = Math.min(10_000, members);
    await conn.query(
      `INSERT INTO member_visits (member_id, visited_at, spending_fen, categories, created_at)
       SELECT id, ?, 8800, '["beer"]', ? FROM members WHERE id IN (SELECT id FROM (SELECT id FROM members ORDER BY CRC32(id) LIMIT ?) t)`,
      [nowSql, nowSql, changed],
    );
    const incremental = async (code = ours) => {
      code.timer.reset();
      const t2 = performance.now();
      const inc = await code.runBehavior(code.orm.em.fork(), { mode: 'incremental', now: new Date(now.getTime() + 60_000), timeZone: TZ, chunkSize: chunk, parallel });
      const incMs = performance.now() - t2;
      console.log(`incremental after ${inc.members.toLocaleString()} members changed: ${(incMs / 1000).toFixed(2)} s   aim ≤ 2 s   load ${loadavg()[0]!.toFixed(1)}`);
      console.log(code.timer.report('incremental'));
      return incMs;
    };
    if (theirs) await oldAgainstNew('incremental', incremental, theirs);
    else await incremental();
    if (theirs) {
      const kept = await sql.rows<Record<string, unknown>>('select segment, members, spending_sum_fen, spending365d_sum_fen, avg_spending_fen, avg_spending365d_fen from segment_stats order by segment');
      const t = performance.now();
      await refreshSegmentStats(sql, new Date(now.getTime() + 60_000));
      const recountMs = performance.now() - t;
      const recounted = await sql.rows<Record<string, unknown>>('select segment, members, spending_sum_fen, spending365d_sum_fen, avg_spending_fen, avg_spending365d_fen from segment_stats order by segment');
      const same = JSON.stringify(kept) === JSON.stringify(recounted);
      console.log(`  segment_stats recount (what the incremental run did before, now the nightly's): ${secs(recountMs)}; the stats moved by differences ${same ? 'equal the recount' : `DIFFER from the recount: ${JSON.stringify(kept)} against ${JSON.stringify(recounted)}`}`);
    }

    // 5. GET …/segment: the service the route calls.
    const actor: Actor = { staffId: 1, name: 'bench', role: 'admin', permissions: new Set(PERMISSIONS), channel: 'api' };
    const lat: number[] = [];
    for (let i = 0; i < 500; i++) {
      const s = performance.now();
      await segmentOverview(orm.em.fork(), actor);
      lat.push(performance.now() - s);
    }
    console.log(`GET /api/ai-ops/customer/segment (service): p50 ${pct(lat, 50).toFixed(2)} ms  p99 ${pct(lat, 99).toFixed(2)} ms   aim p99 ≤ 50 ms`);

    // 6. The same behaviour as a per-member loop in JavaScript over `loop` members, extrapolated.
    const [ids] = (await conn.query('SELECT id, joined_at FROM members ORDER BY id LIMIT ?', [loopMembers])) as any;
    const t3 = performance.now();
    for (const m of ids as Array<{ id: string; joined_at: Date }>) {
      const em = orm.em.fork();
      const vs = await em.find(MemberVisitSchema, { member: m.id }, { orderBy: { visitedAt: 'asc' } });
      const since90 = now.getTime() - 90 * DAY;
      const since365 = now.getTime() - 365 * DAY;
      const total = vs.reduce((s, v) => s + v.spendingFen, 0);
      const last = vs.at(-1)?.visitedAt ?? null;
      const recency = Math.floor((now.getTime() - (last ?? m.joined_at).getTime()) / DAY);
      const counts = new Map<string, number>();
      for (const v of vs) if (v.visitedAt.getTime() >= since365) for (const c of v.categories) counts.set(c, (counts.get(c) ?? 0) + 1);
      const row = {
        visitFrequency: vs.filter((v) => v.visitedAt.getTime() >= since90).length,
        totalSpendingFen: total,
        avgSpendingFen: vs.length ? Math.round(total / vs.length) : 0,
        visits365d: vs.filter((v) => v.visitedAt.getTime() >= since365).length,
        spending365dFen: vs.filter((v) => v.visitedAt.getTime() >= since365).reduce((s, v) => s + v.spendingFen, 0),
        recencyDays: recency,
        churnRisk: churnRisk(recency, usualInterval(vs.length, vs[0]?.visitedAt ?? null, last)),
        favoriteCategories: [...counts.entries()].sort((a, b) => b[1] - a[1]).slice(0, 3).map(([c]) => c),
      };
      await em.nativeUpdate(MemberBehaviorSchema, { member: m.id }, row);
    }
    const loopMs = performance.now() - t3;
    const extrapolated = (loopMs * members) / loopMembers;
    console.log(`per-member loop (behaviour only) over ${loopMembers.toLocaleString()} members: ${secs(loopMs)} → ${secs(extrapolated)} for ${members.toLocaleString()}; set-based nightly (behaviour + RFM + segments + tags) is ×${(extrapolated / nightlyMs).toFixed(1)} faster`);
    clearInterval(sample);
    console.log(`load average at the end ${loadavg().map((l) => l.toFixed(1)).join(' / ')} on ${cpus().length} CPUs`);
    console.log(`peak RSS ${(Math.max(peakRss, process.resourceUsage().maxRSS * 1024) / 1024 / 1024).toFixed(0)} MB   aim < 300 MB`);
  } finally {
    clearInterval(sample);
    await restoreSettings();
    await closeTheirs();
    await close();
  }
}

/**
 * The cut points as computed before (the reference for --against): the active members numbered in each
 * dimension's order by three window functions, the rows at the cut positions kept.
 */
async function cutsBySorting(db: BehaviorSql) {
  const active = `from member_behavior b join members m on m.id = b.member_id where m.status = 'active' and b.visits_365d > 0`;
  const dims = [['r', 'recency_days'], ['f', 'visits_365d'], ['m', 'spending_365d_fen']] as const;
  const [count] = await db.rows<{ n: number }>(`select count(*) as n ${active}`);
  const population = Number(count?.n ?? 0);
  const positions = cutPositions(population);
  const rows = population
    ? await db.rows<Record<string, number>>(
        `select * from (select ${dims.map(([d, col]) => `b.${col} as ${d}, row_number() over (order by b.${col}) as ${d}_rn`).join(', ')} ${active}) t
         where ${dims.map(([d]) => `${d}_rn in (?)`).join(' or ')}`,
        dims.map(() => positions),
      )
    : [];
  const at = (d: string, pos: number) => Number(rows.find((r) => Number(r[`${d}_rn`]) === pos)?.[d] ?? 0);
  const cuts = Object.fromEntries(dims.map(([d]) => [d, { p20: at(d, positions[0]), p40: at(d, positions[1]), p60: at(d, positions[2]), p80: at(d, positions[3]) }]));
  return { population, r: cuts.r, f: cuts.f, m: cuts.m };
}
