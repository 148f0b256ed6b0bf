/**
 * Generates the next migration for both dialects from the entity list:
 * `npm run migration:create -- <name>`. Each dialect's existing migrations are applied to a scratch
 * database first, so the new file holds exactly the difference. Needs MariaDB (MYSQL_TEST_URL).
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseDatabaseUrl, type DatabaseTarget } from '../db/database-url.js';
import { connectOrm } from '../db/orm.js';
import { createConnection } from 'mysql2/promise';

const name = process.argv[2];
if (!name || !/^[a-z0-9-]+$/.test(name)) {
  console.error('usage: npm run migration:create -- <kebab-case-name>');
  process.exit(2);
}

async function generate(target: DatabaseTarget): Promise<string | undefined> {
  const orm = await connectOrm(target);
  try {
    await orm.migrator.up();
    const result = await orm.migrator.create(undefined, false, false, name);
    if (result.diff.up.length === 0) return undefined;
    if (target.kind === 'mysql') dropJsonCheckNoise(join(orm.config.get('migrations').path!, result.fileName));
    return result.fileName;
  } finally {
    await orm.close(true);
  }
}

/**
 * MariaDB stores JSON as LONGTEXT guarded by a CHECK (json_valid(col)) named after the column; the MySQL
 * schema comparator sees those checks as foreign and emits drop/re-add statements that fail on apply.
 */
function dropJsonCheckNoise(file: string): void {
  const noise = /^\s*this\.addSql\(`alter table \\`\w+\\` (drop constraint \\`\w+\\`|add constraint \\`(\w+)\\` check \(json_valid\(\\`\2\\`\)\));`\);\n/gm;
  writeFileSync(file, readFileSync(file, 'utf8').replace(noise, ''));
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
