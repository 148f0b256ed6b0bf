/**
 * The worker thread that owns the embedded SQLite database (sqlite-dialect.ts). `node:sqlite` is synchronous:
 * run on the app's thread, every statement — and every commit's fsync, milliseconds each — stops the event loop,
 * so sockets (the switch's hangup events, HTTP requests) wait behind the database. Here the statements run one
 * after another in the order they were sent, as on the one connection before; only the thread differs.
 *
 * Loaded by path as plain TypeScript (node strips the types; no loader needed), so: erasable syntax only, and
 * no import but node's own modules.
 */
import { parentPort } from 'node:worker_threads';
import { DatabaseSync, type StatementSync } from 'node:sqlite';

type Request = { id: number; op: 'open'; file: string; timeoutMs: number } | { id: number; op: 'query'; sql: string; params: unknown[]; reader: boolean } | { id: number; op: 'close' };

/** Prepared statements kept by their text (a statement's preparation was a fifth of SQLite's time in the dialler's profile). */
const CACHE_SIZE = 200;

let db: DatabaseSync | undefined;
const statements = new Map<string, StatementSync>();

function prepared(sql: string): StatementSync {
  const known = statements.get(sql);
  if (known) {
    // Most recently used last: the oldest is the first one evicted.
    statements.delete(sql);
    statements.set(sql, known);
    return known;
  }
  const stmt = db!.prepare(sql);
  statements.set(sql, stmt);
  if (statements.size > CACHE_SIZE) statements.delete(statements.keys().next().value!);
  return stmt;
}

function handle(req: Request): unknown {
  switch (req.op) {
    case 'open': {
      db = new DatabaseSync(req.file, { timeout: req.timeoutMs });
      if (req.file !== ':memory:') db.exec('PRAGMA journal_mode = WAL');
      db.exec('PRAGMA foreign_keys = ON');
      return null;
    }
    case 'query': {
      if (!db) throw new Error('the SQLite database is not open');
      const stmt = prepared(req.sql);
      const params = req.params as never[];
      if (req.reader) return { rows: stmt.all(...params) };
      const { changes, lastInsertRowid } = stmt.run(...params);
      return { rows: [], changes, lastInsertRowid };
    }
    case 'close': {
      statements.clear();
      db?.close();
      db = undefined;
      return null;
    }
  }
}

parentPort!.on('message', (req: Request) => {
  try {
    parentPort!.postMessage({ id: req.id, ok: true, value: handle(req) });
  } catch (err) {
    const e = err as Error & { code?: string; errcode?: number; errstr?: string };
    parentPort!.postMessage({ id: req.id, ok: false, error: { name: e.name, message: e.message, code: e.code, errcode: e.errcode, errstr: e.errstr } });
  }
});
