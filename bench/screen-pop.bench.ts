/**
 * 400-call latency on MariaDB with 1,000,000 contacts: inbound calls replayed through the outbound socket
 * at R calls/s for S seconds; p50/p95/p99 from the call reaching our socket to (a) the screen-pop handed
 * to the notifier and (b) the bridge command written; caller-match p99 against a LIKE '%…%' scan on the
 * same data; events/s through the inbound event client. Aims: p99 ≤ 100 ms, match p99 ≤ 5 ms, ≥ 2,000 events/s.
 *   npm run bench -- screen-pop [--contacts 1000000] [--rate 30] [--seconds 60]
 */
import { randomUUID } from 'node:crypto';
import { parseArgs } from 'node:util';
import { createConnection } from 'mysql2/promise';
import { identifyCaller } from '../src/domain/calls/caller-identification.service.js';
import type { Notifier } from '../src/domain/ports/notifier.port.js';
import { createLogger } from '../src/logging/logger.js';
import { createEventClient } from '../src/telephony/event-client.js';
import { createTelephony } from '../src/telephony/telephony-door.js';
import { createMigratedOrm } from '../test/support/database.js';
import { channelEvent, FakeChannel, FakeEventSocket, jsonEvent } from '../test/telephony/support/fake-switch.js';

export const description = '400 calls at 30/s over 1M contacts on MariaDB: screen-pop and bridge p50/p95/p99, match vs LIKE, events/s';

const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)]! : NaN;
};
const fmt = (xs: number[]) => `p50 ${pct(xs, 50).toFixed(1)} ms  p95 ${pct(xs, 95).toFixed(1)} ms  p99 ${pct(xs, 99).toFixed(1)} ms  (n=${xs.length})`;
const mobileOf = (i: number) => `+86139${String(i).padStart(8, '0')}`;

export async function run(args: string[]): Promise<void> {
  const { values } = parseArgs({ args, options: { contacts: { type: 'string', default: '1000000' }, rate: { type: 'string', default: '30' }, seconds: { type: 'string', default: '60' } } });
  const contacts = Number(values.contacts);
  const rate = Number(values.rate);
  const seconds = Number(values.seconds);
  const { orm, db, close } = await createMigratedOrm('mysql');
  const logger = createLogger('warn');
  const fs = await new FakeEventSocket().start();
  let door: ReturnType<typeof createTelephony> | undefined;
  try {
    // 1. Data: 1 customer per 10 contacts, multi-row INSERTs straight through mysql2.
    if (db.target.kind !== 'mysql') throw new Error('screen-pop bench runs on MariaDB');
    const t = db.target;
    const conn = await createConnection({ host: t.host, port: t.port, user: t.user, password: t.password, database: t.dbName, multipleStatements: false });
    const loadStart = performance.now();
    const now = new Date().toISOString().slice(0, 19).replace('T', ' ');
    const customers = Math.ceil(contacts / 10);
    for (let i = 0; i < customers; i += 5000) {
      const rows: unknown[][] = [];
      for (let c = i; c < Math.min(i + 5000, customers); c++) {
        const last = new Date(Date.now() - (c % 365) * 86_400_000).toISOString().slice(0, 19).replace('T', ' ');
        rows.push([`CUST_${c}`, `公司${c}`, `客户${c}`, c % 50 === 0 ? 'vip' : 'normal', 100_000 * (c % 500), c % 30, last, '[]', now, now]);
      }
      await conn.query('INSERT INTO customers (id, company_name, name, level, annual_revenue_fen, order_count, last_contact_at, tags, created_at, updated_at) VALUES ?', [rows]);
    }
    for (let i = 0; i < contacts; i += 10_000) {
      const rows: unknown[][] = [];
      for (let c = i; c < Math.min(i + 10_000, contacts); c++) {
        const m = mobileOf(c);
        rows.push([`CUST_${Math.floor(c / 10)}`, `联系人${c}`, m, m.slice(-8), '采购部', now, now]);
      }
      await conn.query('INSERT INTO customer_contacts (customer_id, name, mobile, mobile_last8, department, created_at, updated_at) VALUES ?', [rows]);
    }
    await conn.query('ANALYZE TABLE customer_contacts, customers');
    console.log(`loaded ${customers} customers and ${contacts} contacts in ${((performance.now() - loadStart) / 1000).toFixed(1)} s`);

    // Staff on duty all day every day, rules open all day: every call gets a full plan.
    await conn.query(`INSERT INTO staff (name, role, office_ext, mobile, mobile_last8, forwarding_type, office_timeout_sec, mobile_timeout_sec, duty_days, duty_start, duty_end, max_daily_calls, active, created_at, updated_at) VALUES
      ('销售经理A','sales','8001','+8613900000001','00000001','simultaneous',10,25,'["mon","tue","wed","thu","fri","sat","sun"]','00:00','24:00',100000,1,?,?),
      ('销售经理B','sales','8002','+8613900000002','00000002','sequential',15,20,'["mon","tue","wed","thu","fri","sat","sun"]','00:00','24:00',100000,1,?,?),
      ('值班人员','duty',NULL,'+8613800009999','00009999','sequential',15,20,'["sun"]','09:00','18:00',100000,1,?,?)`, [now, now, now, now, now, now]);
    const allDay = JSON.stringify({ start: '00:00', end: '24:00' });
    await conn.query(`INSERT INTO routing_rules (kind, name, body, priority, active, created_at, updated_at) VALUES
      ('work_hours','all day',?,0,1,?,?), ('time_slot','weekday',?,0,1,?,?), ('time_slot','weekend',?,0,1,?,?)`, [
      JSON.stringify({ weekday: JSON.parse(allDay), saturday: JSON.parse(allDay), sunday: JSON.parse(allDay) }), now, now,
      JSON.stringify({ days: 'weekday', start: '00:00', end: '24:00', primary: 'office_phone', backup: 'mobile_phone', strategy: 'sequential' }), now, now,
      JSON.stringify({ days: 'weekend', start: '00:00', end: '24:00', primary: 'office_phone', backup: 'mobile_phone', strategy: 'sequential' }), now, now,
    ]);

    // 2. Caller match vs LIKE '%…%' on the same data.
    const match: number[] = [];
    for (let i = 0; i < 1000; i++) {
      const n = mobileOf(Math.floor(Math.random() * contacts));
      const t0 = performance.now();
      await identifyCaller(orm.em.fork(), n);
      match.push(performance.now() - t0);
    }
    const like: number[] = [];
    for (let i = 0; i < 5; i++) {
      const last8 = mobileOf(Math.floor(Math.random() * contacts)).slice(-8);
      const t0 = performance.now();
      await conn.query('SELECT cc.id, c.id FROM customer_contacts cc JOIN customers c ON c.id = cc.customer_id WHERE cc.mobile LIKE ? OR cc.phone LIKE ?', [`%${last8}%`, `%${last8}%`]);
      like.push(performance.now() - t0);
    }
    console.log(`caller match (indexed last-8): ${fmt(match)}`);
    console.log(`LIKE '%…%' scan:               ${fmt(like)}  → ${(pct(like, 50) / pct(match, 50)).toFixed(0)}× slower at p50, ${(pct(like, 99) / pct(match, 99)).toFixed(0)}× at p99`);

    // 3. Calls through the outbound socket.
    const popped = new Map<string, number>();
    const notifier: Notifier = {
      async notifyStaff(_id, n) {
        if (n.kind === 'screen_pop' && !popped.has(n.callId)) popped.set(n.callId, performance.now());
        return { ok: true, transport: 'bench' };
      },
    };
    door = createTelephony({
      handledBy: 'bench',
      config: {
        esl: { host: '127.0.0.1', port: fs.port, password: fs.password },
        socket: { host: '127.0.0.1', port: 0 },
        gateway: 'dag1000',
        callerId: undefined,
        ringback: '%(1000,4000,450)',
        commandTimeoutMs: 5000,
        recordingsDir: '/tmp/bench-recordings',
        voicemail: { greeting: 'voicemail/vm-record_message.wav', maxSeconds: 120 },
        serviceNumber: '4008-320-160',
        tts: 'tts_commandline|default',
      },
      fork: () => orm.em.fork(),
      logger,
      notifier,
      jobs: { enqueue: async () => 'bench', cancel: async () => 0, isPending: async () => false },
      timeZone: 'Asia/Shanghai',
    });
    await door.start();
    const port = door.socketPort()!;
    const toPop: number[] = [];
    const toBridge: number[] = [];
    let failed = 0;
    const total = rate * seconds;
    const calls: Promise<void>[] = [];
    const replayStart = performance.now();
    for (let i = 0; i < total; i++) {
      const due = replayStart + (i * 1000) / rate;
      const wait = due - performance.now();
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      const uuid = randomUUID();
      const caller = i % 10 === 9 ? `+86137${String(i).padStart(8, '0')}` : mobileOf(Math.floor(Math.random() * contacts));
      const channel = new FakeChannel(uuid, { 'Caller-Caller-ID-Number': encodeURIComponent(caller), 'Caller-Destination-Number': '4008320160', variable_ivr_choice: '1' }, (app) => (app === 'bridge' ? 'hangup' : {}));
      calls.push(
        (async () => {
          await channel.connect(port);
          const bridged = await Promise.race([channel.waitFor('bridge'), new Promise<null>((r) => setTimeout(() => r(null), 5000))]);
          if (!bridged) {
            failed++;
            channel.hangup();
            return;
          }
          toBridge.push(bridged.at - channel.connectedAt);
          const pop = popped.get(uuid);
          if (pop !== undefined) toPop.push(pop - channel.connectedAt);
          await channel.closed();
        })(),
      );
    }
    await Promise.all(calls);
    const replaySeconds = (performance.now() - replayStart) / 1000;
    console.log(`replayed ${total} calls in ${replaySeconds.toFixed(1)} s (${(total / replaySeconds).toFixed(1)} calls/s), ${failed} without a bridge in 5 s`);
    console.log(`arrival → screen-pop handed to notifier: ${fmt(toPop)}`);
    console.log(`arrival → bridge command written:       ${fmt(toBridge)}`);

    // 4. Events/s through the inbound client (its own connection, untagged channel events as on a busy switch).
    let seen = 0;
    let maxPending = 0;
    const client = createEventClient({ host: '127.0.0.1', port: fs.port, password: fs.password, logger, onEvent: () => void seen++ });
    client.start();
    await client.ready();
    const events = 200_000;
    const frame = jsonEvent(channelEvent('CHANNEL_CREATE', randomUUID(), { 'Caller-Caller-ID-Number': '13800138000', 'Channel-Name': 'sofia/external/13800138000@10.0.0.2', 'Event-Calling-Function': 'switch_core_session_request_uuid' }));
    const batch = frame.repeat(500);
    const e0 = performance.now();
    for (let sent = 0; sent < events; sent += 500) {
      await fs.write(batch);
      maxPending = Math.max(maxPending, 0);
      if (sent % 20_000 === 0) await new Promise((r) => setImmediate(r));
    }
    while (seen < events) {
      if (performance.now() - e0 > 120_000) break;
      await new Promise((r) => setTimeout(r, 5));
    }
    const es = (performance.now() - e0) / 1000;
    console.log(`inbound event client: ${seen}/${events} events in ${es.toFixed(2)} s = ${Math.round(seen / es)} events/s, handler backlog at end ${client.stats.pending}`);
    await client.stop();
    await conn.end();
  } finally {
    await door?.stop();
    await fs.stop();
    await close();
  }
}
