/**
 * Generates the next migration for both dialects from the entity list:
 * `npm run migration:create -- <name>`. The difference is taken between the entities and the schema
 * snapshot kept next to each dialect's migrations (`migrations/<dialect>/.schema-snapshot.json`), not an
 * introspected database: MikroORM's MySQL introspection misreads MariaDB's JSON and enum columns and
 * would propose hundreds of no-op changes. `--bootstrap-snapshot` writes the snapshots from the current
 * entities (only when migrations and entities agree, as test/schema.test.ts proves). Needs MariaDB.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MikroORM } from '@mikro-orm/sql';
import { createConnection } from 'mysql2/promise';
import { parseDatabaseUrl, type DatabaseTarget } from '../db/database-url.js';
import { ensureMysqlDatabase, ormOptions } from '../db/orm.js';

const [name, flag] = process.argv.slice(2);
const bootstrap = name === '--bootstrap-snapshot' || flag === '--bootstrap-snapshot';
if (!bootstrap && (!name || !/^[a-z0-9-]+$/.test(name))) {
  console.error('usage: npm run migration:create -- <kebab-case-name> | --bootstrap-snapshot');
  process.exit(2);
}

async function generate(target: DatabaseTarget): Promise<string | undefined> {
  if (target.kind === 'mysql') await ensureMysqlDatabase(target);
  const options = ormOptions(target);
  const orm = await MikroORM.init({
    ...options,
    migrations: { ...options.migrations, snapshot: true, snapshotOnMigrate: false, snapshotName: '.schema-snapshot' },
  });
  try {
    if (bootstrap) {
      await (orm.migrator as unknown as { storeCurrentSchema(): Promise<void> }).storeCurrentSchema();
      return 'snapshot written';
    }
    await orm.migrator.up();
    const result = await orm.migrator.create(undefined, false, false, name);
    return result.diff.up.length > 0 ? result.fileName : undefined;
  } finally {
    await orm.close(true);
  }
}

const dir = mkdtempSync(join(tmpdir(), 'migration-'));
const serverUrl = process.env.MYSQL_TEST_URL ?? 'mysql://root@127.0.0.1:3306';
const scratch = `migration_gen_${process.pid}`;
const mysql = parseDatabaseUrl(`${serverUrl.replace(/\/+$/, '')}/${scratch}`);
try {
  console.log('sqlite:', (await generate({ kind: 'sqlite', file: join(dir, 'gen.sqlite') })) ?? 'no changes');
  console.log('mysql: ', (await generate(mysql)) ?? 'no changes');
} finally {
  rmSync(dir, { recursive: true, force: true });
  if (mysql.kind === 'mysql') {
    const conn = await createConnection({ host: mysql.host, port: mysql.port, user: mysql.user, password: mysql.password });
    await conn.query(`DROP DATABASE IF EXISTS \`${scratch}\``);
    await conn.end();
  }
}
