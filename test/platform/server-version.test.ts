import { once } from 'node:events';
import type { AddressInfo, Server as NetServer } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { createServer } from 'mysql2';
import { createConnection } from 'mysql2/promise';
import { unsupportedServer } from '../../src/db/server-version.js';
import { ensureMysqlDatabase } from '../../src/db/orm.js';
import { mysqlServerUrl } from '../support/database.js';

/** The server side of a mysql2 connection (untyped in mysql2's declarations). */
type ServerSide = {
  sequenceId: number;
  serverHandshake(args: Record<string, unknown>): void;
  writeOk(): void;
  writeColumns(columns: Array<Record<string, unknown>>): void;
  writeTextRow(values: unknown[]): void;
  writeEof(): void;
};

describe('which database server the process accepts', () => {
  it.each([
    ['10.11.19-MariaDB-0+deb12u1', null],
    ['10.6.0-MariaDB', null],
    ['11.4.2-MariaDB-ubu2404', null],
    ['5.5.5-10.11.6-MariaDB-log', null],
  ])('accepts MariaDB %s', (version, expected) => {
    expect(unsupportedServer(version)).toBe(expected);
  });

  it.each([
    ['10.5.27-MariaDB', /MariaDB 10\.5 is too old.*10\.6 or later/],
    ['8.0.36', /"8\.0\.36" is not MariaDB/],
    ['8.4.3-0ubuntu0.24.04.1', /is not MariaDB/],
    ['', /is not MariaDB/],
  ])('refuses %j with the reason', (version, reason) => {
    expect(unsupportedServer(version)).toMatch(reason);
  });

  it('accepts the MariaDB the suites run on (its own SELECT VERSION())', async () => {
    const conn = await createConnection(mysqlServerUrl);
    try {
      const [[row]] = (await conn.query('SELECT VERSION() AS version')) as unknown as [[{ version: string }]];
      expect(row.version).toMatch(/MariaDB/);
      expect(unsupportedServer(row.version)).toBeNull();
    } finally {
      await conn.end();
    }
  });

  describe('a MySQL 8 server on the wire', () => {
    let close = async () => {};
    afterEach(() => close());

    it('is refused when the process connects, before it creates anything there', async () => {
      // A server speaking the MySQL protocol (mysql2's own server side) that says it is MySQL 8.0.36.
      const queries: string[] = [];
      const server = createServer((conn) => {
        const wire = conn as unknown as ServerSide;
        // MySQL restarts the packet sequence at every command (the client's at 0, the answer's at 1);
        // mysql2's server side keeps counting, so each answer here ends by restarting it.
        const writeOk = wire.writeOk.bind(wire);
        wire.writeOk = () => {
          writeOk();
          wire.sequenceId = 0;
        };
        wire.serverHandshake({ protocolVersion: 10, serverVersion: '8.0.36', connectionId: 1, statusFlags: 2, characterSet: 33, capabilityFlags: 0xffffff });
        conn.on('query', (sql: string) => {
          queries.push(sql);
          if (!/^select version\(\)/i.test(sql)) return wire.writeOk();
          wire.writeColumns([{ catalog: 'def', schema: '', table: '', orgTable: '', name: 'version', orgName: '', characterSet: 33, columnLength: 60, columnType: 253, flags: 0, decimals: 31 }]);
          wire.writeTextRow(['8.0.36']);
          wire.writeEof();
          wire.sequenceId = 0;
        });
        conn.on('error', () => {});
      });
      // mysql2's Server wraps a net.Server it does not expose in its types.
      const listener = (server as unknown as { _server: NetServer })._server;
      listener.listen(0, '127.0.0.1');
      await once(listener, 'listening');
      close = () => new Promise((resolve) => listener.close(() => resolve()));
      const { port } = listener.address() as AddressInfo;

      await expect(ensureMysqlDatabase({ kind: 'mysql', host: '127.0.0.1', port, user: 'root', password: '', dbName: 'app' })).rejects.toThrow(
        /database server "8\.0\.36" is not MariaDB: the domain SQL needs MariaDB 10\.6 or later/,
      );
      expect(queries).toEqual(['SELECT VERSION() AS version']);
    });
  });
});
