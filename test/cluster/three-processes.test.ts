import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { createConnection, type Connection } from 'mysql2/promise';
import { afterAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../support/database.js';
import { startServer, type ServerProcess } from '../support/server-process.js';
import { readEvents } from '../support/sse.js';
import { waitFor } from '../support/wait-for.js';
import { FakeChannel, FakeEventSocket, channelEvent } from '../telephony/support/fake-switch.js';
import { MARK_JOB } from './support/job-marks.js';
import { clusterSettings } from './support/cluster-settings.js';
import { connectOrm, type Orm } from '../../src/db/orm.js';
import { createJobBackend } from '../../src/jobs/job-backend.js';
import { buildScheduler, type BuiltScheduler } from '../../src/jobs/scheduler.js';
import { JobRegistry } from '../../src/jobs/job-registry.js';
import { createAgendaJobQueue } from '../../src/jobs/agenda-job-queue.js';
import { createStaff } from '../../src/domain/staff/staff.service.js';
import { CustomerSchema } from '../../src/domain/customers/customer.entity.js';
import { StaffTokens } from '../../src/miniapp-api/auth/staff-token.js';

const CALLS = 200;
const JOBS = 2000;
/** Calls the switch has going at once. */
const LINES = 8;

type AppProcess = { name: string; server: ServerProcess; url: string; socketPort: number; dead: boolean };

/**
 * Three app processes (A, B, C) on one MariaDB database, one Redis and one switch. The switch offers
 * call i to process i mod 3 and, as a dialplan of `socket` actions does, to the next process when that
 * one is down or drops the call; it reports each hangup to every process. 2,000 jobs are queued in four
 * waves along the way, and process B is killed (SIGKILL) after 100 calls. In the end every call is
 * stored once, completed once, with one callback todo and one notice; every job has done its work once;
 * and the board served by C showed calls that A answered.
 */
describe('three processes, one system', () => {
  const dirs: string[] = [];
  const apps: AppProcess[] = [];
  let fs: FakeEventSocket | undefined;
  let db: TestDatabase | undefined;
  let orm: Orm | undefined;
  let scheduler: BuiltScheduler | undefined;
  let sql: Connection | undefined;

  afterAll(async () => {
    // Clean-up only: nothing is checked after the test, so no graceful stop is waited for.
    for (const app of apps) if (!app.dead) app.server.child.kill('SIGKILL');
    await Promise.all(apps.map((app) => app.server.exited));
    await scheduler?.stop({ timeoutMs: 5000 });
    await orm?.close(true);
    await sql?.end();
    await fs?.stop();
    await db?.drop();
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  });

  it('handles 200 calls and 2,000 jobs once each, loses none when B is killed midway, and C\'s board shows A\'s calls', { timeout: 1_500_000 }, async () => {
    fs = await new FakeEventSocket().start();
    db = await createTestDatabase('mysql');
    const shared = clusterSettings(fs, { redis: true });
    const appSecret = shared.APP_SECRET!;
    const env = (name: string): Record<string, string> => {
      const dir = mkdtempSync(join(tmpdir(), `salesops-${name}-`));
      dirs.push(dir);
      return {
        ...shared,
        NODE_ENV: 'test',
        PORT: '0',
        HOST: '127.0.0.1',
        LOG_LEVEL: 'info',
        DATA_DIR: dir,
        DATABASE_URL: db!.url,
        JOBS_WORKER_NAME: name,
        JOBS_PROCESS_EVERY_MS: '200',
        // Jobs a killed process had locked run elsewhere after this (the marks take milliseconds).
        JOBS_LOCK_SECONDS: '10',
      };
    };
    const launch = async (name: string): Promise<AppProcess> => {
      const server = startServer(env(name), { command: [process.execPath, '--import', 'tsx', 'test/cluster/support/app-process.main.ts'] });
      const [url, socket] = await Promise.all([server.listening, server.logged('outbound socket server listening'), server.logged('event socket connected and subscribed')]);
      const app = { name, server, url, socketPort: Number(socket['port']), dead: false };
      apps.push(app);
      return app;
    };
    // A first: it migrates the empty database; B and C start on the migrated one, side by side.
    const a = await launch('A');
    const [b, c] = await Promise.all([launch('B'), launch('C')]);
    const procs = [a, b, c];
    expect(fs.subscribers('CHANNEL_HANGUP_COMPLETE')).toBe(3);

    // The test's own hands on the database: staff, customers, the job marks, and a queue that runs nothing.
    const target = db.target;
    if (target.kind !== 'mysql') throw new Error('a MariaDB database');
    sql = await createConnection({ host: target.host, port: target.port, user: target.user, password: target.password, database: target.dbName });
    await sql.query('CREATE TABLE cluster_job_marks (seq INT PRIMARY KEY, worker VARCHAR(16) NOT NULL)');
    await sql.query('CREATE TABLE cluster_job_reruns (seq INT NOT NULL, worker VARCHAR(16) NOT NULL)');
    orm = await connectOrm(target);
    scheduler = buildScheduler(createJobBackend({ mongodbUrl: undefined, orm }), new JobRegistry(), { workerName: 'test', processEveryMs: 60_000, maxConcurrency: 1, log: { info() {}, warn() {}, error() {} } });
    await scheduler.connect();
    const queue = createAgendaJobQueue(scheduler.agenda);
    const by = { actorStaffId: null, channel: 'system' as const };
    const owner = await createStaff(orm.em.fork(), { name: '吴销售', role: 'sales' }, by);
    const manager = await createStaff(orm.em.fork(), { name: '郑经理', role: 'manager' }, by);
    const mobiles = Array.from({ length: CALLS }, (_, i) => `+86137${String(i).padStart(8, '0')}`);
    const em = orm.em.fork();
    mobiles.forEach((mobile, i) => em.create(CustomerSchema, { id: `CUST_3P_${i}`, name: `客户${i}`, level: 'normal', segment: 'regular', tags: [], phone: mobile, phoneLast8: mobile.slice(-8), ownerStaff: owner.id }));
    await em.flush();

    // C's board, read from the start: every call it is told of.
    const { token } = await new StaffTokens(appSecret, 3600).issue({ staffId: manager.id, role: 'manager' });
    const res = await fetch(`${c.url}/api/board/events`, { headers: { authorization: `Bearer ${token}` } });
    expect(res.status).toBe(200);
    const board = readEvents(res.body!);
    const onBoardOfC = new Map<string, string>();
    await board.next((event) => event === 'snapshot');
    const boardReading = board
      .next((event, data) => {
        if (event === 'calls') for (const call of data as Array<{ uuid: string; state: string }>) onBoardOfC.set(call.uuid, call.state);
        return false;
      })
      .catch(() => undefined);

    let queued = 0;
    const queueWave = async () => {
      const from = queued;
      queued += JOBS / 4;
      for (let seq = from; seq < queued; seq += 50) {
        await Promise.all(Array.from({ length: 50 }, (_, k) => queue.enqueue(MARK_JOB, { seq: seq + k })));
      }
    };

    /** Where each call was answered, and the processes that dropped it first. */
    const answeredBy = new Map<string, string>();
    const dropped: string[] = [];
    const placeCall = async (i: number): Promise<string> => {
      const uuid = randomUUID();
      for (let k = 0; k < procs.length; k++) {
        const proc = procs[(i + k) % procs.length]!;
        if (proc.dead) continue;
        const channel = new FakeChannel(uuid, { 'Caller-Caller-ID-Number': encodeURIComponent(mobiles[i]!), 'Caller-Destination-Number': '4008320160' }, (app) => (app === 'bridge' ? { variable_DIALSTATUS: 'NO_ANSWER' } : {}));
        const connecting = channel.connect(proc.socketPort);
        await Promise.race([connecting, channel.closed()]);
        await channel.closed();
        // The app ends a call it handled with `hangup`; a socket closed without one means the process died.
        if (channel.hangupCause) {
          answeredBy.set(uuid, proc.name);
          break;
        }
        dropped.push(`${uuid}@${proc.name}`);
      }
      fs!.emit(channelEvent('CHANNEL_HANGUP_COMPLETE', uuid, { variable_salesops_call: 'inbound', 'Hangup-Cause': 'NORMAL_CLEARING' }));
      return uuid;
    };

    const uuids: string[] = [];
    let next = 0;
    let ended = 0;
    let killedAt: { calls: number; marks: number } | undefined;
    const milestones = async (n: number) => {
      if (n % 50 === 0 && n < CALLS) await queueWave();
      if (n === CALLS / 2) {
        b.server.child.kill('SIGKILL');
        b.dead = true;
        await b.server.exited;
        const [rows] = await sql!.query('SELECT COUNT(*) AS n FROM cluster_job_marks');
        killedAt = { calls: n, marks: Number((rows as Array<{ n: number }>)[0]!.n) };
      }
    };
    await queueWave();
    await Promise.all(
      Array.from({ length: LINES }, async () => {
        while (next < CALLS) {
          const i = next++;
          uuids.push(await placeCall(i));
          await milestones(++ended);
        }
      }),
    );

    // Everything settles: each call completed with its todo, each job's mark written.
    const count = async (query: string, params: unknown[] = []) => Number(((await sql!.query(query, params))[0] as Array<{ n: number }>)[0]!.n);
    await waitFor(async () => (await count("SELECT COUNT(*) AS n FROM follow_up_tasks WHERE reason = 'missed_call'")) >= CALLS, 'a callback todo for every call', 600_000);
    await waitFor(async () => (await count('SELECT COUNT(*) AS n FROM cluster_job_marks')) >= JOBS, 'every job marked', 600_000);
    await waitFor(async () => (await count('SELECT COUNT(*) AS n FROM agenda_jobs WHERE name = ?', [MARK_JOB])) === 0, 'every job finished in the store', 600_000);
    await waitFor(() => onBoardOfC.size > 0 && [...answeredBy].some(([uuid, name]) => name === 'A' && onBoardOfC.has(uuid)), "C's board to show a call A answered", 60_000);
    await board.close();
    await boardReading;

    // B died midway: calls and jobs were still coming.
    expect(killedAt).toBeDefined();
    expect(killedAt!.marks).toBeLessThan(JOBS);
    expect(uuids).toHaveLength(CALLS);
    expect(new Set(answeredBy.values())).toEqual(new Set(['A', 'B', 'C']));
    expect(answeredBy.size).toBe(CALLS);

    // Each call: one record, completed; one callback todo; one notice to its owner; its hangup handled by one process.
    const inList = uuids.map(() => '?').join(',');
    expect(await count(`SELECT COUNT(*) AS n FROM calls WHERE uuid IN (${inList})`, uuids)).toBe(CALLS);
    expect(await count(`SELECT COUNT(*) AS n FROM calls WHERE uuid IN (${inList}) AND ended_at IS NOT NULL`, uuids)).toBe(CALLS);
    expect(await count(`SELECT COUNT(*) AS n FROM follow_up_tasks WHERE reason = 'missed_call' AND related_record_id IN (${inList})`, uuids)).toBe(CALLS);
    expect(await count(`SELECT COUNT(DISTINCT related_record_id) AS n FROM follow_up_tasks WHERE reason = 'missed_call'`)).toBe(CALLS);
    expect(await count("SELECT COUNT(*) AS n FROM notification_outbox WHERE staff_id = ? AND kind = 'todo'", [owner.id])).toBe(CALLS);
    const [receipts] = await sql.query("SELECT handled_by AS name, COUNT(*) AS n FROM switch_event_receipts WHERE event_key LIKE '%:CHANNEL_HANGUP_COMPLETE' GROUP BY handled_by");
    const handled = Object.fromEntries((receipts as Array<{ name: string; n: number }>).map((r) => [r.name, Number(r.n)]));
    expect(Object.values(handled).reduce((x, y) => x + y, 0)).toBe(CALLS);

    // Each job: its work done once (a job whose process died between its work and its end is run again and refused).
    expect(await count('SELECT COUNT(*) AS n FROM cluster_job_marks')).toBe(JOBS);
    expect(await count('SELECT COUNT(DISTINCT seq) AS n FROM cluster_job_marks')).toBe(JOBS);
    const [byWorker] = await sql.query('SELECT worker AS name, COUNT(*) AS n FROM cluster_job_marks GROUP BY worker');
    const reruns = await count('SELECT COUNT(*) AS n FROM cluster_job_reruns');
    console.info(JSON.stringify({ killedAt, dropped: dropped.length, hangupsHandledBy: handled, jobsBy: byWorker, reruns, onBoardOfC: onBoardOfC.size }));
  });
});
