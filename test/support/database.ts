import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { createConnection } from 'mysql2/promise';
import { parseDatabaseUrl, type DatabaseTarget } from '../../src/db/database-url.js';
import { connectOrm, migrateUp, type Orm } from '../../src/db/orm.js';
import { copySchemaTemplate, type SchemaTemplate } from './schema-template.js';

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

declare module 'vitest' {
  export interface ProvidedContext {
    /** Built by test/support/global-setup.ts once per run. */
    schemaTemplate: SchemaTemplate;
  }
}

/** The run's migrated template when running under vitest (benchmarks reuse these helpers without one). */
async function runTemplate(): Promise<SchemaTemplate | undefined> {
  if (!process.env.VITEST) return undefined;
  const { inject } = await import('vitest');
  return inject('schemaTemplate');
}

/**
 * A fresh database holding what every migration leaves (schema, bookkeeping, seeded rows): a copy of the
 * run's template, or, outside vitest, migrated here. An app started on it finds nothing left to migrate.
 */
export async function createMigratedDatabase(dialect: Dialect): Promise<TestDatabase> {
  const db = await createTestDatabase(dialect);
  const template = await runTemplate();
  if (template) {
    await copySchemaTemplate(template, db.target);
    return db;
  }
  const orm = await connectOrm(db.target);
  try {
    await migrateUp(orm);
  } finally {
    await orm.close(true);
  }
  return db;
}

/**
 * A fresh migrated database (see createMigratedDatabase) and its ORM; `{ migrations: 'run' }` runs the
 * real migrations on an empty database instead of copying the template. Call `close()` in afterAll.
 */
export async function createMigratedOrm(dialect: Dialect, options: { migrations?: 'copy' | 'run' } = {}): Promise<{ orm: Orm; db: TestDatabase; close(): Promise<void> }> {
  const run = options.migrations === 'run';
  const db = run ? await createTestDatabase(dialect) : await createMigratedDatabase(dialect);
  const orm = await connectOrm(db.target);
  if (run) await migrateUp(orm);
  return {
    orm,
    db,
    close: async () => {
      await orm.close(true);
      await db.drop();
    },
  };
}

/**
 * A fresh database migrated up to just before the migration whose name ends with `_<name>`, so a data
 * migration's test can write the rows it must handle; `rest()` then runs the remaining migrations.
 */
export async function databaseBeforeMigration(dialect: Dialect, name: string): Promise<{ db: TestDatabase; orm: Orm; rest(): Promise<void> }> {
  const db = await createTestDatabase(dialect);
  const orm = await connectOrm(db.target);
  const pending = (await orm.migrator.getPending()).map((m) => m.name);
  const mine = pending.findIndex((n) => n.endsWith(`_${name}`));
  if (mine < 1) throw new Error(`migration *_${name} is not pending after another one`);
  await orm.migrator.up({ to: pending[mine - 1]! });
  return { db, orm, rest: async () => void (await orm.migrator.up()) };
}
