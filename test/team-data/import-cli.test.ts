import { execFile } from 'node:child_process';
import { createWriteStream, existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { once } from 'node:events';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import iconv from 'iconv-lite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectOrm } from '../../src/db/orm.js';
import { CustomerContactSchema } from '../../src/domain/customers/customer-contact.entity.js';
import { CustomerSchema } from '../../src/domain/customers/customer.entity.js';
import { createMigratedDatabase, DIALECTS, type TestDatabase } from '../support/database.js';

const exec = promisify(execFile);
const mobile = (i: number) => `139${String(i).padStart(8, '0')}`;

/** Runs `npm run cli -- …` as the operator would (node + tsx on src/cli/index.ts), optionally with a heap limit. */
async function cli(args: string[], env: Record<string, string>, nodeArgs: string[] = []) {
  try {
    const { stdout, stderr } = await exec(process.execPath, [...nodeArgs, '--import', 'tsx', 'src/cli/index.ts', ...args], { env: { PATH: process.env.PATH ?? '', ...env }, maxBuffer: 16 * 1024 * 1024 });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

describe.each(DIALECTS)('npm run cli -- import (%s)', (dialect) => {
  let db: TestDatabase;
  let dir: string;
  let env: Record<string, string>;
  beforeAll(async () => {
    db = await createMigratedDatabase(dialect);
    dir = mkdtempSync(join(tmpdir(), 'import-cli-'));
    env = { DATABASE_URL: db.url, DATA_DIR: join(dir, 'data') };
  });
  afterAll(async () => {
    await db?.drop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('imports a GBK CSV with Chinese headers, prints progress, the counts and the first rejected rows (masked); a second run changes nothing', async () => {
    const lines = [['客户编号', '客户名称', '联系人', '联系人手机', '备注栏']];
    for (let i = 0; i < 20; i++) lines.push([`K${i}`, `客户${i}`, `联系人${i}`, i % 10 === 9 ? '12345' : mobile(i), '']);
    const file = join(dir, '客户.csv');
    writeFileSync(file, iconv.encode(lines.map((l) => l.join(',')).join('\r\n'), 'gbk'));

    const first = await cli(['import', 'customers', file], env);
    expect(first.code).toBe(0);
    expect(first.stderr).toMatch(/import #1: customers from 客户\.csv/);
    expect(first.stdout).toContain('import #1 customers 客户.csv: completed (gbk)');
    expect(first.stdout).toContain('processed 20, created 18, updated 0, unchanged 0, rejected 2');
    expect(first.stdout).toContain('ignored columns: 备注栏');
    expect(first.stdout).toContain('line 11  contactMobile  *****  联系人手机：号码格式无法识别');
    expect(first.stdout).toContain('import:errors 1');
    expect(first.stdout).not.toContain('12345');
    // The operator's own file is read, never moved or deleted.
    expect(existsSync(file)).toBe(true);

    const again = await cli(['import', 'customers', file], env);
    expect(again.stdout).toContain('processed 20, created 0, updated 0, unchanged 18, rejected 2');

    const errors = await cli(['import:errors', '1'], env);
    expect(errors.code).toBe(0);
    expect(errors.stdout.replace(/^\uFEFF/, '').split('\r\n').filter(Boolean)).toEqual(['行号,字段,值,原因', '11,contactMobile,*****,联系人手机：号码格式无法识别', '21,contactMobile,*****,联系人手机：号码格式无法识别']);

    const orm = await connectOrm(db.target);
    try {
      expect(await orm.em.fork().count(CustomerSchema, {})).toBe(18);
      expect(await orm.em.fork().findOneOrFail(CustomerContactSchema, { customer: 'K3' })).toMatchObject({ name: '联系人3', mobile: `+86${mobile(3)}` });
    } finally {
      await orm.close(true);
    }
  }, 300_000);

  it('says what is wrong: an unknown kind or a missing file is a usage error (exit 2); a file without the required columns fails (exit 1)', async () => {
    const kind = await cli(['import', 'planets', join(dir, 'x.csv')], env);
    expect(kind.code).toBe(2);
    expect(kind.stderr).toContain('the kind must be one of customers, members, visits, consents, events');
    const missing = await cli(['import', 'customers', join(dir, 'nope.csv')], env);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('no such file');
    const pdf = await cli(['import', 'customers', join(dir, 'x.pdf')], env);
    expect(pdf.stderr).toContain('只接受 .csv 或 .xlsx 文件');
    writeFileSync(join(dir, 'events.csv'), '名称,地点\r\nx,y\r\n');
    const failed = await cli(['import', 'events', join(dir, 'events.csv')], env);
    expect(failed.code).toBe(1);
    expect(failed.stdout).toContain(': failed');
    expect(failed.stdout).toContain('缺少必需的列');
    expect((await cli(['import:errors', '999'], env)).stderr).toContain('IMPORT_NOT_FOUND');
  }, 300_000);
});

/**
 * 100,000 customer rows streamed within a 64 MB heap: each row carries a 600-character column the import
 * ignores, so the file (about 66 MB) is larger than the heap — reading it whole would run out of memory.
 * MariaDB only (the dialect the aim is stated for; SQLite takes several minutes on a loaded machine).
 */
describe('a 100,000-row CSV within a 64 MB heap (mysql)', () => {
  const ROWS = 100_000;
  let db: TestDatabase;
  let dir: string;
  beforeAll(async () => {
    db = await createMigratedDatabase('mysql');
    dir = mkdtempSync(join(tmpdir(), 'import-big-'));
  });
  afterAll(async () => {
    await db?.drop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('imports every row, rejects the bad tenth, and never holds the file in memory', async () => {
    const file = join(dir, 'big.csv');
    const out = createWriteStream(file);
    const pad = 'x'.repeat(600);
    out.write('客户编号,客户名称,公司,联系人,联系人手机,备注栏\n');
    for (let i = 0; i < ROWS; i++) {
      if (!out.write(`B${i},客户${i},公司${i},联系人${i},${i % 10 === 9 ? '12345' : mobile(i)},${pad}\n`)) await once(out, 'drain');
    }
    out.end();
    await once(out, 'finish');

    const run = await cli(['import', 'customers', file], { DATABASE_URL: db.url, DATA_DIR: join(dir, 'data') }, ['--max-old-space-size=64']);
    expect(run.stderr).not.toContain('heap out of memory');
    expect(run.code).toBe(0);
    expect(run.stdout).toContain(`processed ${ROWS}, created ${ROWS * 0.9}, updated 0, unchanged 0, rejected ${ROWS * 0.1}`);
    // Progress every 10 % on stderr.
    expect((run.stderr.match(/%\s+\d+ rows/g) ?? []).length).toBeGreaterThanOrEqual(5);
    const orm = await connectOrm(db.target);
    try {
      expect(await orm.em.fork().count(CustomerSchema, {})).toBe(ROWS * 0.9);
      expect(await orm.em.fork().count(CustomerContactSchema, {})).toBe(ROWS * 0.9);
    } finally {
      await orm.close(true);
    }
  }, 900_000);
});
