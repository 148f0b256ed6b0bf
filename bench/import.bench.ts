/**
 * Bulk import of customers with their contacts on MariaDB: a generated UTF-8 CSV with Chinese headers
 * (100,000 rows by default, every row a customer and one contact with a mobile), imported by the import
 * service exactly as the job and the CLI run it (createImport + runImport, the real CSV reader), into a
 * fresh database; then the same file again (every row unchanged). Baseline in the same run: the same rows
 * read by the same reader and written with plain multi-row INSERTs (customers, then contacts, 1,000 rows a
 * statement, one transaction per batch) into another fresh database — no mapping, checks or upsert.
 * Where time goes: parse only (reading the file), time waiting on SQL, node CPU, statements per 1,000 rows.
 *   npm run bench -- import [--rows 100000] [--batch 1000]
 */
import { createWriteStream, mkdtempSync, rmSync } from 'node:fs';
import { once } from 'node:events';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import type { AbstractSqlConnection } from '@mikro-orm/sql';
import { createImport, runImport } from '../src/domain/imports/import.service.js';
import { normalizePhone } from '../src/domain/shared/phone.js';
import { spreadsheetReader } from '../src/gateways/spreadsheet/spreadsheet-reader.js';
import { createMigratedOrm } from '../test/support/database.js';
import { countSql } from './sql-counter.js';

export const description = '100,000 customers with contacts from a CSV on MariaDB (aim ≤ 60 s) vs plain multi-row INSERTs of the same rows';

const TZ = 'Asia/Shanghai';
const secs = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
const HEADER = ['客户编号', '客户名称', '公司', '客户等级', '联系人', '联系人手机', '职位', '标签'];

async function writeCsv(path: string, rows: number): Promise<void> {
  const out = createWriteStream(path);
  out.write(`${HEADER.join(',')}\r\n`);
  for (let i = 0; i < rows; i++) {
    const line = `C${i},客户${i},公司${i % 5000},${i % 7 === 0 ? 'VIP' : '普通'},联系人${i},139${String(i).padStart(8, '0')},经理,"老客户,${i % 3 === 0 ? '高价值' : '活跃'}"\r\n`;
    if (!out.write(line)) await once(out, 'drain');
  }
  out.end();
  await once(out, 'finish');
}

/** Wraps execute, begin and commit to add up the time spent waiting on the database (commits included). */
function timeSql(conn: AbstractSqlConnection): { ms(): number } {
  let total = 0;
  const timed = <F extends (...a: any[]) => Promise<unknown>>(f: F): F =>
    (async (...args: unknown[]) => {
      const t0 = performance.now();
      try {
        return await f(...args);
      } finally {
        total += performance.now() - t0;
      }
    }) as F;
  conn.execute = timed(conn.execute.bind(conn)) as typeof conn.execute;
  conn.begin = timed(conn.begin.bind(conn)) as typeof conn.begin;
  conn.commit = timed(conn.commit.bind(conn)) as typeof conn.commit;
  return { ms: () => total };
}

export async function run(args: string[]): Promise<void> {
  const { values } = parseArgs({ args, options: { rows: { type: 'string', default: '100000' }, batch: { type: 'string', default: '1000' } } });
  const rows = Number(values.rows);
  const batchSize = Number(values.batch);
  const dir = mkdtempSync(join(tmpdir(), 'bench-import-'));
  const file = join(dir, 'customers.csv');
  try {
    await writeCsv(file, rows);

    // Parse only: the reader over the whole file, nothing else.
    let t0 = performance.now();
    let parsed = 0;
    for await (const _ of (await spreadsheetReader.open(file, 'csv', 'auto')).rows) parsed++;
    const parseMs = performance.now() - t0;

    // Baseline: the same rows, plain multi-row INSERTs.
    const base = await createMigratedOrm('mysql');
    let baseMs: number;
    try {
      const conn = base.orm.em.getConnection() as AbstractSqlConnection;
      t0 = performance.now();
      const now = new Date();
      let header = true;
      let batch: string[][] = [];
      const flush = async () => {
        await base.orm.em.fork().transactional(async (tx) => {
          const c = tx.getConnection() as AbstractSqlConnection;
          const ctx = tx.getTransactionContext();
          await c.execute(
            `insert into customers (id, name, company_name, level, tags, annual_revenue_fen, order_count, source, created_at, updated_at) values ${batch.map(() => '(?, ?, ?, ?, ?, 0, 0, ?, ?, ?)').join(', ')}`,
            batch.flatMap((r) => [r[0], r[1], r[2], r[3] === 'VIP' ? 'vip' : 'normal', JSON.stringify(r[7]!.split(',')), 'import', now, now]),
            'run',
            ctx,
          );
          await c.execute(
            `insert into customer_contacts (customer_id, name, mobile, mobile_last8, position, is_primary, phone_type, call_preference, call_count, created_at, updated_at) values ${batch.map(() => '(?, ?, ?, ?, ?, 1, ?, ?, 0, ?, ?)').join(', ')}`,
            batch.flatMap((r) => {
              const m = normalizePhone(r[5]!)!;
              return [r[0], r[4], m.e164, m.last8, r[6], 'mobile', 'any', now, now];
            }),
            'run',
            ctx,
          );
        });
        batch = [];
      };
      for await (const { cells } of (await spreadsheetReader.open(file, 'csv', 'auto')).rows) {
        if (header) {
          header = false;
          continue;
        }
        batch.push(cells.map(String));
        if (batch.length >= batchSize) await flush();
      }
      if (batch.length) await flush();
      baseMs = performance.now() - t0;
      const [{ n }] = (await conn.execute('select count(*) as n from customer_contacts')) as [{ n: number }];
      if (Number(n) !== rows) throw new Error(`baseline wrote ${n} contacts, expected ${rows}`);
    } finally {
      await base.close();
    }

    // The import service, as the job and the CLI run it.
    const { orm, close } = await createMigratedOrm('mysql');
    try {
      const conn = orm.em.getConnection() as AbstractSqlConnection;
      const counter = countSql(conn, 1);
      const sql = timeSql(conn);
      const settings = { timeZone: TZ, batchSize };
      const importOnce = async () => {
        counter.reset();
        const sqlBefore = sql.ms();
        const em = orm.em.fork();
        const job = await createImport(em, null, { kind: 'customers', fileName: 'customers.csv', format: 'csv', encoding: 'auto', storedPath: file });
        const cpu = process.cpuUsage();
        const start = performance.now();
        const done = await runImport(em, spreadsheetReader, job.id, settings);
        const ms = performance.now() - start;
        const used = process.cpuUsage(cpu);
        return { done, ms, cpuMs: (used.user + used.system) / 1000, sqlMs: sql.ms() - sqlBefore, counts: counter.counts() };
      };
      const first = await importOnce();
      if (first.done.status !== 'completed' || first.done.created !== rows) throw new Error(`import ended ${first.done.status}: ${JSON.stringify(first.done)}`);
      const second = await importOnce();
      if (second.done.unchanged !== rows) throw new Error(`re-import changed rows: ${JSON.stringify(second.done)}`);

      const perK = (n: number) => ((n / rows) * 1000).toFixed(1);
      const verbs = (c: typeof first.counts) => Object.entries(c.byVerb).map(([v, n]) => `${v} ${perK(n)}`).join(', ');
      console.log(`${rows.toLocaleString()} customers with a contact each (CSV ${HEADER.length} columns, UTF-8), batch ${batchSize}, MariaDB`);
      console.log(`  parse only (csv-parse, no database):  ${secs(parseMs)}  (${Math.round(parsed / (parseMs / 1000)).toLocaleString()} rows/s)`);
      console.log(`  baseline, plain multi-row INSERT:     ${secs(baseMs)}  (${Math.round(rows / (baseMs / 1000)).toLocaleString()} rows/s)`);
      for (const [label, r] of [['import (new customers)', first], ['import again (unchanged)', second]] as const) {
        console.log(
          `  ${`${label}:`.padEnd(37)} ${secs(r.ms)}  (${Math.round(rows / (r.ms / 1000)).toLocaleString()} rows/s, ${(r.ms / baseMs).toFixed(2)}× the baseline)   aim ≤ 60 s`,
        );
        console.log(`      waiting on SQL ${secs(r.sqlMs)}, node CPU ${secs(r.cpuMs)}; per 1,000 rows: ${perK(r.counts.statements)} statements (${verbs(r.counts)}), ${perK(r.counts.transactions)} transactions`);
      }
    } finally {
      await close();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
