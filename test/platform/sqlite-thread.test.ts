import { DatabaseSync } from 'node:sqlite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Orm } from '../../src/db/orm.js';
import { createMigratedOrm, type TestDatabase } from '../support/database.js';

/**
 * The embedded SQLite database runs in a worker thread (src/db/sqlite-dialect.ts): a statement that waits —
 * here for another connection's write lock, as the CLI next to the server may hold it — waits there, and the
 * app's event loop goes on meanwhile (sockets, timers). With `node:sqlite` on the app's thread the busy wait
 * held the loop: nothing else ran until the busy timeout failed the statement (`database is locked`).
 */
describe('SQLite off the event loop', () => {
  let orm: Orm;
  let db: TestDatabase;
  let close: () => Promise<void>;
  beforeAll(async () => {
    ({ orm, db, close } = await createMigratedOrm('sqlite'));
  });
  afterAll(async () => close?.());

  it('a write waiting for another connection\'s lock leaves the event loop free; the lock is let go from a timer and the write succeeds', async () => {
    if (db.target.kind !== 'sqlite') throw new Error('an SQLite database is expected');
    const conn = orm.em.getConnection();
    await conn.execute('create table loop_probe (id integer primary key, v text)');
    const other = new DatabaseSync(db.target.file, { timeout: 0 });
    try {
      other.exec('begin immediate');
      let settled = false;
      const write = conn.execute("insert into loop_probe (v) values ('x')", [], 'run').finally(() => (settled = true));
      // The next turn of the event loop comes only if the waiting write does not hold it.
      await new Promise((resolve) => setImmediate(resolve));
      expect(settled).toBe(false);
      other.exec('commit');
      await write;
      expect(await conn.execute('select count(*) as n from loop_probe')).toEqual([{ n: 1 }]);
    } finally {
      other.close();
    }
  });
});
