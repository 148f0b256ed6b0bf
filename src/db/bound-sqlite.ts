import { CompiledQuery } from 'kysely';
import { BaseSqliteConnection, JsonProperty, SqliteDriver, Utils, isRaw, type Configuration, type Platform, type Transaction } from '@mikro-orm/sql';

export type BoundQuery = { sql: string; parameters: unknown[] };

/**
 * MikroORM 7 formats every value into the SQL text before it reaches Kysely
 * (`AbstractSqlConnection.execute` runs `CompiledQuery.raw(platform.formatQuery(sql, params))`, with an
 * empty parameter list, on every dialect). On SQLite that text goes through `sqlite3_prepare`, which
 * stops at a NUL character: a string holding U+0000 ended the statement mid-literal (`unrecognized
 * token`, a 500). Here the same `?` / `??` placeholders become bound parameters instead: values never
 * enter the SQL text. Identifiers (`??`) and raw fragments are SQL and stay in the text, as before.
 */
export function bindQuery(platform: Platform, sql: string, params: readonly unknown[]): BoundQuery {
  const parameters: unknown[] = [];
  let out = '';
  let next = 0;
  for (let i = 0; i < sql.length; i++) {
    const ch = sql[i];
    if (ch === '\\' && sql[i + 1] === '?') {
      out += '?';
      i++;
    } else if (ch === '?' && sql[i + 1] === '?') {
      out += platform.quoteIdentifier(params[next++] as string);
      i++;
    } else if (ch === '?') {
      out += placeholder(platform, params[next++], parameters);
    } else {
      out += ch;
    }
  }
  return { sql: out, parameters };
}

/** The SQL for one value (usually `?`) with its bound value(s) pushed, converted as SQLite stores them. */
function placeholder(platform: Platform, value: unknown, parameters: unknown[]): string {
  if (isRaw(value)) {
    const inner = bindQuery(platform, value.sql, value.params);
    parameters.push(...inner.parameters);
    return inner.sql;
  }
  if (Array.isArray(value) && !(value as unknown as Record<symbol, unknown>)[JsonProperty]) {
    // `in (?)` with a list: one placeholder per element, as the formatter writes `a, b, c`.
    return value.map((v) => placeholder(platform, v, parameters)).join(', ');
  }
  parameters.push(sqliteValue(value));
  return '?';
}

function sqliteValue(value: unknown): unknown {
  if (value === undefined || value === null) return null;
  if (typeof value === 'boolean') return value ? 1 : 0;
  if (value instanceof Date) return value.getTime();
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'bigint') return value;
  if (Buffer.isBuffer(value) || value instanceof Uint8Array) return value;
  if (Utils.isPlainObject(value) || Array.isArray(value) || (value as Record<symbol, unknown>)[JsonProperty]) return JSON.stringify(value);
  return String(value);
}

type Prepared = { query: string; params: unknown[]; formatted: string };

/** A SQLite connection that binds every value (see bindQuery). */
export class BoundSqliteConnection extends BaseSqliteConnection {
  /** MikroORM's own preparation (query builders, named parameters, raw fragments, the onQuery hook); private in its types. */
  private prepare(query: unknown, params: readonly unknown[]): Prepared {
    return (this as unknown as { prepareQuery(q: unknown, p: readonly unknown[]): Prepared }).prepareQuery(query, params);
  }

  override async execute<T = any>(query: any, params: readonly unknown[] = [], method: 'all' | 'get' | 'run' = 'all', ctx?: Transaction, loggerContext?: any): Promise<T> {
    await this.ensureConnection();
    const q = this.prepare(query, params);
    const bound = bindQuery(this.platform, q.query, q.params);
    const sql = this.getSql(q.query, q.formatted, loggerContext);
    const { signal, inflightQueryAbortStrategy, ...logContext } = loggerContext ?? {};
    const abort = signal == null && inflightQueryAbortStrategy == null ? undefined : { signal, inflightQueryAbortStrategy };
    return this.executeQuery(
      sql,
      async () => {
        const res = await ((ctx as any) ?? this.getClient()).executeQuery(CompiledQuery.raw(bound.sql, bound.parameters), abort);
        return this.transformRawResult(res, method);
      },
      { ...q, ...logContext },
    ) as Promise<T>;
  }

  override async *stream<T extends object>(query: any, params: readonly unknown[] = [], ctx?: Transaction, loggerContext?: any, chunkSize?: number): AsyncIterableIterator<T> {
    await this.ensureConnection();
    const q = this.prepare(query, params);
    const bound = bindQuery(this.platform, q.query, q.params);
    const sql = this.getSql(q.query, q.formatted, loggerContext);
    const compiled = { query: { kind: 'SelectQueryNode' }, sql: bound.sql, parameters: bound.parameters } as any;
    try {
      const res = ((ctx as any) ?? this.getClient()).getExecutor().stream(compiled, chunkSize ?? 100);
      this.logQuery(sql, { sql, params: q.params });
      for await (const items of res) {
        for (const row of this.transformRawResult<T[]>(items, 'all')) yield row;
      }
    } catch (e) {
      this.logQuery(sql, { sql, params: q.params, level: 'error' });
      throw e;
    }
  }
}

/** MikroORM's SqliteDriver with the binding connection (primary and read replicas alike). */
export class BoundSqliteDriver extends SqliteDriver {
  constructor(config: Configuration) {
    super(config);
    const self = this as unknown as { connection: unknown; replicas: unknown[] };
    self.connection = new BoundSqliteConnection(this.config);
    self.replicas = this.createReplicas((conf) => new BoundSqliteConnection(this.config, conf, 'read'));
  }
}
