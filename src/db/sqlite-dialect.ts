import { DatabaseSync } from 'node:sqlite';
import { SqliteDialect } from 'kysely';

/**
 * Kysely dialect over `node:sqlite` (no native addon) with a busy timeout and WAL, so a second process
 * on the same file (a worker restarted after a crash, the CLI next to the server) waits instead of failing.
 */
export class NodeSqliteWalDialect extends SqliteDialect {
  constructor(file: string, busyTimeoutMs = 5000) {
    super({
      database: async () => {
        const db = new DatabaseSync(file, { timeout: busyTimeoutMs });
        if (file !== ':memory:') db.exec('PRAGMA journal_mode = WAL');
        db.exec('PRAGMA foreign_keys = ON');
        return {
          prepare(sql: string) {
            const stmt = db.prepare(sql);
            return {
              reader: /^\s*(select|pragma|explain|with)/i.test(sql) || /\breturning\b/i.test(sql),
              all: (params: readonly unknown[]) => stmt.all(...(params as never[])),
              run: (params: readonly unknown[]) => stmt.run(...(params as never[])),
              get: (params: readonly unknown[]) => stmt.get(...(params as never[])),
              iterate: (params: readonly unknown[]) => stmt.iterate(...(params as never[])),
            };
          },
          close: () => db.close(),
        };
      },
    });
  }
}
