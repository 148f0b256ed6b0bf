import { createConnection, type Connection } from 'mysql2/promise';
import { waitFor } from '../../support/wait-for.js';

/**
 * A third MariaDB connection that drives an interleaving instead of hoping for it: it holds a row lock one
 * side needs (`hold`), the test starts the sides and waits until their statements are seen waiting for a lock
 * (`waiting`), then the hold ends (`release`).
 */
export class RowLocks {
  private constructor(
    private readonly conn: Connection,
    private readonly dbName: string,
  ) {}

  static async open(url: string): Promise<RowLocks> {
    return new RowLocks(await createConnection(url), url.slice(url.lastIndexOf('/') + 1));
  }

  /**
   * The statements waiting for a row lock of this test's database now, read from SHOW ENGINE INNODB STATUS
   * (information_schema.innodb_trx is a cache InnoDB refreshes only after 0.1 s without a read by anyone, so
   * two tests polling it at once can keep it stale for ever).
   */
  async lockWaits(): Promise<string[]> {
    const [rows] = await this.conn.query('show engine innodb status');
    return (rows as Array<{ Status: string }>)[0]!.Status.split('\n---TRANSACTION ')
      .filter((trx) => trx.includes('\nLOCK WAIT ') && trx.includes(` of table \`${this.dbName}\`.`))
      .map((trx) => /\nMariaDB thread id [^\n]*\n([^\n]*)/.exec(trx)?.[1] ?? '');
  }

  /** Waits until a statement matching each pattern waits for a lock (an event, bounded by waitFor's deadline). */
  waiting(...patterns: RegExp[]): Promise<true> {
    return waitFor(async () => ((w) => patterns.every((p) => w.some((q) => p.test(q))))(await this.lockWaits()), `lock waits ${patterns.join(', ')}`);
  }

  /** Holds the row `id` of `table` (FOR UPDATE) until `release`. */
  async hold(table: string, id: number): Promise<void> {
    await this.conn.query('start transaction');
    await this.conn.query(`select id from ${table} where id = ? for update`, [id]);
  }

  /** Runs `sql` in a transaction left open until `release` (the rows it writes stay locked, as a process's that has not committed yet). */
  async holdWith(sql: string, params: unknown[]): Promise<void> {
    await this.conn.query('start transaction');
    await this.conn.query(sql, params);
  }

  async release(): Promise<void> {
    await this.conn.query('rollback');
  }

  end(): Promise<void> {
    return this.conn.end();
  }
}
