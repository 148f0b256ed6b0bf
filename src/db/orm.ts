import { fileURLToPath } from 'node:url';
import { MikroORM, type Options } from '@mikro-orm/sql';
import { MySqlDriver } from '@mikro-orm/mysql';
import { Migrator } from '@mikro-orm/migrations';
import type { DatabaseTarget } from './database-url.js';
import { allEntities } from './entities.js';
import { NodeSqliteWalDialect } from './sqlite-dialect.js';
import { BoundSqliteDriver } from './bound-sqlite.js';
import { unsupportedServer } from './server-version.js';

export type Orm = MikroORM;

const migrationsRoot = fileURLToPath(new URL('../../migrations/', import.meta.url));

/** MikroORM options for a target; migrations live in migrations/<dialect>/. */
export function ormOptions(target: DatabaseTarget): Options {
  const common = {
    entities: allEntities,
    forceUtcTimezone: true,
    allowGlobalContext: false,
    ensureIndexes: false,
    extensions: [Migrator],
    debug: false,
    // Triggers are the migrations' (member_visit_categories): no entity declares them, the schema diff leaves them be.
    schemaGenerator: { ignoreTriggers: true },
  } satisfies Options;
  if (target.kind === 'sqlite') {
    return {
      ...common,
      // Values are bound, never formatted into the SQL text (see bound-sqlite.ts).
      driver: BoundSqliteDriver,
      dbName: target.file,
      driverOptions: new NodeSqliteWalDialect(target.file),
      migrations: migrationOptions('sqlite'),
    } as Options;
  }
  return {
    ...common,
    driver: MySqlDriver,
    host: target.host,
    port: target.port,
    user: target.user,
    password: target.password,
    dbName: target.dbName,
    timezone: '+00:00',
    pool: { min: 0, max: 20 },
    migrations: migrationOptions('mysql'),
  } as Options;
}

function migrationOptions(dialect: 'mysql' | 'sqlite') {
  const path = `${migrationsRoot}${dialect}`;
  return { path, pathTs: path, glob: '!(*.d).ts', emit: 'ts' as const, snapshot: false, silent: true };
}

/** Connects (creating the MySQL database when missing; refusing a server other than MariaDB ≥ 10.6) without touching the schema. */
export async function connectOrm(target: DatabaseTarget): Promise<Orm> {
  if (target.kind === 'mysql') await ensureMysqlDatabase(target);
  return MikroORM.init(ormOptions(target));
}

/** Runs every pending migration; returns the names applied. */
export async function migrateUp(orm: Orm): Promise<string[]> {
  const applied = await orm.migrator.up();
  return applied.map((m) => m.name);
}

export async function ensureMysqlDatabase(target: Extract<DatabaseTarget, { kind: 'mysql' }>): Promise<void> {
  const { createConnection } = await import('mysql2/promise');
  const conn = await createConnection({
    host: target.host,
    port: target.port,
    user: target.user,
    password: target.password,
    connectTimeout: 5000,
  });
  try {
    const [[{ version }]] = (await conn.query('SELECT VERSION() AS version')) as unknown as [[{ version: string }]];
    const refusal = unsupportedServer(version);
    if (refusal) throw new Error(refusal);
    await conn.query(`CREATE DATABASE IF NOT EXISTS \`${target.dbName}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`);
  } finally {
    await conn.end();
  }
}
