import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { createConnection } from 'mysql2/promise';
import { parseDatabaseUrl, type DatabaseTarget } from '../../src/db/database-url.js';
import { connectOrm, migrateUp, type Orm } from '../../src/db/orm.js';

export type Dialect = 'sqlite' | 'mysql';
export const DIALECTS: Dialect[] = ['sqlite', 'mysql'];

/** MariaDB server the MySQL suites use; each test database is created and dropped by the suite. */
export const mysqlServerUrl = (process.env.MYSQL_TEST_URL ?? 'mysql://root@127.0.0.1:3306').replace(/\/+$/, '');

export type TestDatabase = {
  dialect: Dialect;
  target: DatabaseTarget;
  /** DATABASE_URL for a child process or a second ORM on the same database. */
  url: string;
  drop(): Promise<void>;
};

/** A fresh, empty database of the dialect (no schema yet). */
export async function createTestDatabase(dialect: Dialect): Promise<TestDatabase> {
  if (dialect === 'sqlite') {
    const dir = mkdtempSync(join(tmpdir(), 'salesops-test-'));
    const file = join(dir, 'test.sqlite');
    return {
      dialect,
      target: { kind: 'sqlite', file },
      url: `sqlite:${file}`,
      drop: async () => rmSync(dir, { recursive: true, force: true }),
    };
  }
  const name = `salesops_test_${randomBytes(5).toString('hex')}`;
  const url = `${mysqlServerUrl}/${name}`;
  const target = parseDatabaseUrl(url);
  return {
    dialect,
    target,
    url,
    drop: async () => {
      if (target.kind !== 'mysql') return;
      const conn = await createConnection({ host: target.host, port: target.port, user: target.user, password: target.password });
      await conn.query(`DROP DATABASE IF EXISTS \`${name}\``);
      await conn.end();
    },
  };
}

/** A fresh database with every migration applied, and its ORM. Call `close()` in afterAll. */
export async function createMigratedOrm(dialect: Dialect): Promise<{ orm: Orm; db: TestDatabase; close(): Promise<void> }> {
  const db = await createTestDatabase(dialect);
  const orm = await connectOrm(db.target);
  await migrateUp(orm);
  return {
    orm,
    db,
    close: async () => {
      await orm.close(true);
      await db.drop();
    },
  };
}
