import { Worker } from 'node:worker_threads';
import { SqliteDialect, SqliteDriver, type CompiledQuery, type DatabaseConnection, type QueryResult } from 'kysely';

/**
 * Kysely dialect over `node:sqlite` (no native addon) with a busy timeout and WAL, so a second process on the
 * same file (a worker restarted after a crash, the CLI next to the server) waits instead of failing. The database
 * lives in a worker thread (sqlite-worker.ts): `node:sqlite` is synchronous, and on the app's thread each
 * commit's fsync stopped the event loop (in the dialler's benchmark the switch's hangup events waited behind
 * commits: README, Call tasks, "Where the tail goes"). Kysely's SQLite adapter keeps one connection at a time
 * (its connection mutex), so statements, transactions and savepoints reach the worker in the same order as
 * before; SQL errors come back with SQLite's message (MikroORM maps constraint errors by it).
 */
export class NodeSqliteWalDialect extends SqliteDialect {
  constructor(file: string, busyTimeoutMs = 5000) {
    super({ database: openedByTheWorker });
    this.#file = file;
    this.#busyTimeoutMs = busyTimeoutMs;
  }
  readonly #file: string;
  readonly #busyTimeoutMs: number;

  override createDriver(): SqliteDriver {
    return new WorkerSqliteDriver(this.#file, this.#busyTimeoutMs);
  }
}

/** Kysely's own opening of the database is never used: the worker opens it (WorkerSqliteConnection.open). */
const openedByTheWorker = (): Promise<never> => Promise.reject(new Error('the SQLite database is opened by its worker thread'));

/** Kysely's SQLite driver (transactions and savepoints as statements on the one connection) over the worker's connection. */
class WorkerSqliteDriver extends SqliteDriver {
  #connection: WorkerSqliteConnection | undefined;
  constructor(
    private readonly file: string,
    private readonly busyTimeoutMs: number,
  ) {
    super({ database: openedByTheWorker });
  }

  override async init(): Promise<void> {
    this.#connection = await WorkerSqliteConnection.open(this.file, this.busyTimeoutMs);
  }

  override async acquireConnection(): Promise<DatabaseConnection> {
    return this.#connection!;
  }

  override async destroy(): Promise<void> {
    await this.#connection?.close();
  }
}

type Reply = { id: number; ok: true; value: unknown } | { id: number; ok: false; error: { name: string; message: string; code?: string; errcode?: number; errstr?: string } };
type Run = { rows: unknown[]; changes?: number | bigint; lastInsertRowid?: number | bigint };

/** Statements that return rows (the rest report changes and the last rowid). */
const READER = /^\s*(select|pragma|explain|with)/i;

/** The one SQLite connection, in its worker thread: each statement a message, answered in order. */
class WorkerSqliteConnection implements DatabaseConnection {
  readonly #pending = new Map<number, { resolve(value: unknown): void; reject(err: Error): void }>();
  #next = 0;
  #gone: Error | undefined;

  private constructor(private readonly worker: Worker) {
    worker.on('message', (reply: Reply) => this.#settle(reply));
    worker.on('error', (err) => this.#stop(err));
    worker.on('exit', (code) => this.#stop(new Error(`the SQLite worker thread exited (${code})`)));
    // Idle, the thread keeps no process alive; a statement under way does (#send).
    worker.unref();
  }

  static async open(file: string, busyTimeoutMs: number): Promise<WorkerSqliteConnection> {
    // Node strips the worker's types itself: none of the process's flags (a TypeScript loader) is needed there.
    const conn = new WorkerSqliteConnection(new Worker(new URL('./sqlite-worker.ts', import.meta.url), { execArgv: [] }));
    try {
      await conn.#send({ op: 'open', file, timeoutMs: busyTimeoutMs });
    } catch (err) {
      await conn.worker.terminate();
      throw err;
    }
    return conn;
  }

  async executeQuery<R>(compiled: CompiledQuery): Promise<QueryResult<R>> {
    const { sql, parameters } = compiled;
    const reader = READER.test(sql) || /\breturning\b/i.test(sql);
    const run = (await this.#send({ op: 'query', sql, params: parameters, reader })) as Run;
    if (reader) return { rows: run.rows as R[] };
    return {
      rows: [],
      insertId: run.lastInsertRowid != null ? BigInt(run.lastInsertRowid) : undefined,
      numAffectedRows: run.changes != null ? BigInt(run.changes) : undefined,
    };
  }

  /** Rows in chunks of `chunkSize`, read at once (no cursor crosses the thread). */
  async *streamQuery<R>(compiled: CompiledQuery, chunkSize = 100): AsyncIterableIterator<QueryResult<R>> {
    const { rows } = await this.executeQuery<R>(compiled);
    for (let i = 0; i < rows.length; i += chunkSize) yield { rows: rows.slice(i, i + chunkSize) };
  }

  async close(): Promise<void> {
    if (this.#gone) return;
    await this.#send({ op: 'close' });
    await this.worker.terminate();
  }

  #send(request: Record<string, unknown>): Promise<unknown> {
    if (this.#gone) return Promise.reject(this.#gone);
    const id = ++this.#next;
    if (this.#pending.size === 0) this.worker.ref();
    return new Promise((resolve, reject) => {
      this.#pending.set(id, { resolve, reject });
      this.worker.postMessage({ ...request, id });
    });
  }

  #settle(reply: Reply): void {
    const waiting = this.#pending.get(reply.id);
    if (!waiting) return;
    this.#pending.delete(reply.id);
    if (this.#pending.size === 0) this.worker.unref();
    if (reply.ok) waiting.resolve(reply.value);
    else waiting.reject(Object.assign(new Error(reply.error.message), reply.error));
  }

  #stop(err: Error): void {
    this.#gone ??= err;
    for (const waiting of this.#pending.values()) waiting.reject(err);
    this.#pending.clear();
  }
}
