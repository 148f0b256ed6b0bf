import { copyFileSync, existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import type { RowDataPacket } from 'mysql2';
import { createConnection, type Connection } from 'mysql2/promise';
import { parseDatabaseUrl, type DatabaseTarget } from '../../src/db/database-url.js';
import { connectOrm, migrateUp } from '../../src/db/orm.js';

type MysqlTarget = Extract<DatabaseTarget, { kind: 'mysql' }>;

/**
 * The schema every migration leaves, built once per test run (vitest globalSetup) and copied into each
 * suite's fresh database: running the 20-odd migrations costs seconds per database on a loaded machine,
 * a copy a fraction of that. Suites about migrations themselves (test/migrations, test/schema.test.ts)
 * still run the real ones.
 */
export type SchemaTemplate = {
  /** A migrated SQLite file (closed, checkpointed): a suite's database is a copy of it. */
  sqliteFile: string;
  /** The template MariaDB database and the statements that rebuild it inside an empty one. */
  mysql: { database: string; statements: string[] };
};

/** Migrates a SQLite file and a MariaDB database (server at `mysqlServerUrl`) with the real migrations. */
export async function buildSchemaTemplate(mysqlServerUrl: string): Promise<{ template: SchemaTemplate; drop(): Promise<void> }> {
  const dir = mkdtempSync(join(tmpdir(), 'salesops-template-'));
  const sqliteFile = join(dir, 'template.sqlite');
  const database = `salesops_template_${randomBytes(5).toString('hex')}`;
  const target = parseDatabaseUrl(`${mysqlServerUrl}/${database}`) as MysqlTarget;
  const drop = async () => {
    rmSync(dir, { recursive: true, force: true });
    await withConnection(target, (conn) => conn.query(`DROP DATABASE IF EXISTS \`${database}\``));
  };
  try {
    await Promise.all([migrate({ kind: 'sqlite', file: sqliteFile }), migrate(target)]);
    // Closing the last connection checkpoints the WAL into the file; a copy of the file alone is then complete.
    if (existsSync(`${sqliteFile}-wal`) && statSync(`${sqliteFile}-wal`).size > 0) throw new Error('template SQLite file was not checkpointed');
    const statements = await withConnection(target, (conn) => rebuildStatements(conn, database));
    return { template: { sqliteFile, mysql: { database, statements } }, drop };
  } catch (err) {
    await drop();
    throw err;
  }
}

/** Fills an empty database with the template's schema and the rows its migrations wrote. */
export async function copySchemaTemplate(template: SchemaTemplate, target: DatabaseTarget): Promise<void> {
  if (target.kind === 'sqlite') {
    copyFileSync(template.sqliteFile, target.file);
    return;
  }
  await withConnection(target, (conn) =>
    conn.query(
      [
        `CREATE DATABASE \`${target.dbName}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`,
        `USE \`${target.dbName}\``,
        ...template.mysql.statements,
      ].join(';\n'),
    ),
  );
}

async function migrate(target: DatabaseTarget): Promise<void> {
  const orm = await connectOrm(target);
  try {
    await migrateUp(orm);
  } finally {
    await orm.close(true);
  }
}

/**
 * Tables as SHOW CREATE TABLE prints them (indexes, foreign keys, AUTO_INCREMENT position), their rows
 * (migration bookkeeping, seeded permissions and rules) copied from the template, then the views with
 * the template's name taken out of their definitions, then the triggers. Foreign keys are checked again once all is there.
 */
async function rebuildStatements(conn: Connection, database: string): Promise<string[]> {
  const [objects] = await conn.query<Array<{ name: string; type: string } & RowDataPacket>>(
    `SELECT table_name AS name, table_type AS type FROM information_schema.tables WHERE table_schema = ? ORDER BY table_name`,
    [database],
  );
  const tables: string[] = [];
  const rows: string[] = [];
  const views = new Map<string, string>();
  for (const { name, type } of objects) {
    if (type === 'VIEW') {
      const [[view]] = await conn.query<RowDataPacket[]>(`SHOW CREATE VIEW \`${database}\`.\`${name}\``);
      views.set(
        name,
        String(view!['Create View'])
          .replaceAll(`\`${database}\`.`, '')
          .replace(/ DEFINER=`[^`]*`@`[^`]*`/, ''),
      );
      continue;
    }
    const [[table]] = await conn.query<RowDataPacket[]>(`SHOW CREATE TABLE \`${database}\`.\`${name}\``);
    tables.push(String(table!['Create Table']));
    const [[count]] = await conn.query<RowDataPacket[]>(`SELECT COUNT(*) AS n FROM \`${database}\`.\`${name}\``);
    if (Number(count!['n']) > 0) rows.push(`INSERT INTO \`${name}\` SELECT * FROM \`${database}\`.\`${name}\``);
  }
  // Triggers last, so that copying the rows fires none.
  const [triggers] = await conn.query<Array<{ name: string } & RowDataPacket>>(
    'SELECT trigger_name AS name FROM information_schema.triggers WHERE trigger_schema = ? ORDER BY trigger_name',
    [database],
  );
  const created: string[] = [];
  for (const { name } of triggers) {
    const [[trigger]] = await conn.query<RowDataPacket[]>(`SHOW CREATE TRIGGER \`${database}\`.\`${name}\``);
    created.push(String(trigger!['SQL Original Statement']).replace(/ DEFINER=`[^`]*`@`[^`]*`/, ''));
  }
  return ['SET FOREIGN_KEY_CHECKS = 0', ...tables, ...rows, ...dependencyOrder(views), ...created, 'SET FOREIGN_KEY_CHECKS = 1'];
}

/** View definitions, each after the views it reads (a view reads another when it names it). */
function dependencyOrder(views: Map<string, string>): string[] {
  const out: string[] = [];
  const done = new Set<string>();
  const visit = (name: string, path: string[]) => {
    if (done.has(name)) return;
    if (path.includes(name)) throw new Error(`views read each other: ${[...path, name].join(' → ')}`);
    const sql = views.get(name)!;
    const body = sql.slice(sql.indexOf(' AS ') + 4);
    for (const other of views.keys()) if (other !== name && body.includes(`\`${other}\``)) visit(other, [...path, name]);
    done.add(name);
    out.push(sql);
  };
  for (const name of views.keys()) visit(name, []);
  return out;
}

async function withConnection<T>(target: MysqlTarget, use: (conn: Connection) => Promise<T>): Promise<T> {
  const conn = await createConnection({ host: target.host, port: target.port, user: target.user, password: target.password, multipleStatements: true });
  try {
    return await use(conn);
  } finally {
    await conn.end();
  }
}
