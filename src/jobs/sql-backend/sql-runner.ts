import { IsolationLevel, SqlitePlatform, type AbstractSqlConnection, type Transaction } from '@mikro-orm/sql';
import type { Orm } from '../../db/orm.js';

export type SqlDialect = 'mysql' | 'sqlite';
export type Row = Record<string, unknown>;

/**
 * The few things the job repository needs from the domain database: rows, affected counts and a
 * transaction, over MikroORM's own connection pool (no second pool, no ORM entities).
 * Parameters are `?` placeholders, bound on SQLite (src/db/bound-sqlite.ts), escaped by MikroORM with mysql2's SqlString on MySQL.
 */
export interface SqlRunner {
  readonly dialect: SqlDialect;
  /** Rows of a SELECT (or of a statement with RETURNING). */
  rows(sql: string, params?: readonly unknown[], trx?: Transaction): Promise<Row[]>;
  /** Runs a write; returns the number of rows it matched. */
  run(sql: string, params?: readonly unknown[], trx?: Transaction): Promise<number>;
  /** Runs `fn` in one READ COMMITTED transaction (MariaDB) or a plain one (SQLite). */
  transaction<T>(fn: (trx: Transaction) => Promise<T>): Promise<T>;
  /** A date as the column stores it: epoch ms on SQLite (as MikroORM does), UTC `DATETIME(3)` text on MariaDB. */
  date(value: Date | null | undefined): number | string | null;
}

export function sqlRunner(orm: Orm): SqlRunner {
  const conn = orm.em.getConnection() as AbstractSqlConnection;
  const dialect: SqlDialect = orm.em.getPlatform() instanceof SqlitePlatform ? 'sqlite' : 'mysql';
  return {
    dialect,
    rows: (sql, params = [], trx) => conn.execute<Row[]>(sql, params, 'all', trx),
    run: async (sql, params = [], trx) => (await conn.execute<{ affectedRows: number }>(sql, params, 'run', trx)).affectedRows,
    transaction: (fn) =>
      conn.transactional(fn, dialect === 'mysql' ? { isolationLevel: IsolationLevel.READ_COMMITTED } : {}),
    date: (value) => {
      if (!value) return null;
      const d = value instanceof Date ? value : new Date(value);
      return dialect === 'sqlite' ? d.getTime() : d.toISOString().slice(0, 23).replace('T', ' ');
    },
  };
}
