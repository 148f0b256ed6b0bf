import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { createTestDatabase, DIALECTS, type TestDatabase } from '../support/database.js';
import { connectOrm } from '../../src/db/orm.js';
import { StaffTokens } from '../../src/miniapp-api/auth/staff-token.js';
import { loadConfig } from '../../src/config.js';

const exec = promisify(execFile);
const cleanups: Array<() => Promise<void>> = [];
afterAll(async () => {
  for (const c of cleanups) await c();
});

async function cli(script: string, args: string[], env: Record<string, string>) {
  try {
    const { stdout, stderr } = await exec(process.execPath, ['--import', 'tsx', script, ...args], { env: { PATH: process.env.PATH ?? '', ...env } });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

describe.each(DIALECTS)('operator CLI on %s', (dialect) => {
  let db: TestDatabase;
  let env: Record<string, string>;

  it('creates a staff member, prints its id, and issues a token the API accepts', async () => {
    db = await createTestDatabase(dialect);
    const dataDir = mkdtempSync(join(tmpdir(), 'cli-'));
    cleanups.push(async () => {
      await db.drop();
      rmSync(dataDir, { recursive: true, force: true });
    });
    env = { DATABASE_URL: db.url, DATA_DIR: dataDir };
    const created = await cli('src/cli/index.ts', ['staff:create', '--name', '张三', '--role', 'manager', '--mobile', '13800000101', '--wecom-user', 'zhangsan'], env);
    expect(created.code).toBe(0);
    const id = Number(created.stdout.trim());
    expect(id).toBeGreaterThan(0);
    const issued = await cli('src/cli/index.ts', ['token:issue', '--staff', String(id)], env);
    expect(issued.code).toBe(0);
    const claims = await new StaffTokens(loadConfig(env).auth.appSecret, 3600).verify(issued.stdout.trim());
    expect(claims).toEqual({ staffId: id, role: 'manager' });
  }, 180_000);

  it('refuses bad input with a readable message and a non-zero exit', async () => {
    const dup = await cli('src/cli/index.ts', ['staff:create', '--name', '李四', '--role', 'sales', '--wecom-user', 'zhangsan'], env);
    expect(dup.code).toBe(1);
    expect(dup.stderr).toContain('STAFF_WECOM_USER_EXISTS');
    const badRole = await cli('src/cli/index.ts', ['staff:create', '--name', '李四', '--role', 'boss'], env);
    expect(badRole.code).toBe(1);
    expect(badRole.stderr).toContain('VALIDATION_FAILED');
    const unknown = await cli('src/cli/index.ts', ['token:issue', '--staff', '999'], env);
    expect(unknown.stderr).toContain('STAFF_NOT_FOUND');
    const usage = await cli('src/cli/index.ts', ['nope'], env);
    expect(usage.code).toBe(2);
    expect(usage.stderr).toContain('usage:');
  }, 180_000);

  it('loads the demo data set once', async () => {
    const first = await cli('src/cli/seed-demo.ts', [], env);
    expect(first.code).toBe(0);
    expect(first.stdout).toContain('demo data loaded: 6 staff, 6 customers');
    const second = await cli('src/cli/seed-demo.ts', [], env);
    expect(second.stdout).toContain('already loaded');
    const orm = await connectOrm(db.target);
    try {
      const conn = orm.em.getConnection();
      const [customers] = await conn.execute<{ n: number }[]>('select count(*) as n from customers');
      const [visits] = await conn.execute<{ n: number }[]>('select count(*) as n from member_visits');
      const [roles] = await conn.execute<{ n: number }[]>('select count(distinct role) as n from staff');
      expect(Number(customers!.n)).toBe(6);
      expect(Number(visits!.n)).toBeGreaterThan(5);
      expect(Number(roles!.n)).toBe(4);
    } finally {
      await orm.close(true);
    }
  }, 180_000);
});
