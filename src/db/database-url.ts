import { resolve } from 'node:path';

export type DatabaseTarget =
  | { kind: 'sqlite'; file: string }
  | { kind: 'mysql'; host: string; port: number; user: string; password: string; dbName: string };

/**
 * Parses DATABASE_URL: `sqlite:<path>` (or `sqlite::memory:`) for the embedded default,
 * `mysql://user:pass@host:3306/db` (or `mariadb://…`) for MySQL/MariaDB.
 */
export function parseDatabaseUrl(url: string): DatabaseTarget {
  if (url.startsWith('sqlite:')) {
    const path = url.slice('sqlite:'.length).replace(/^\/\//, '');
    if (!path) throw new Error('sqlite URL needs a file path, e.g. sqlite:./data/app.sqlite');
    return { kind: 'sqlite', file: path === ':memory:' ? ':memory:' : resolve(path) };
  }
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new Error('not a URL; use sqlite:<file> or mysql://user:pass@host:3306/db');
  }
  if (parsed.protocol !== 'mysql:' && parsed.protocol !== 'mariadb:') {
    throw new Error(`unsupported scheme "${parsed.protocol}"; use sqlite: or mysql://`);
  }
  const dbName = decodeURIComponent(parsed.pathname.replace(/^\//, ''));
  if (!/^[A-Za-z0-9_]+$/.test(dbName)) throw new Error('mysql URL needs a database name of letters, digits and _');
  return {
    kind: 'mysql',
    host: parsed.hostname,
    port: parsed.port ? Number(parsed.port) : 3306,
    user: decodeURIComponent(parsed.username) || 'root',
    password: decodeURIComponent(parsed.password),
    dbName,
  };
}

/** The URL with its password hidden, for logs. */
export function describeDatabase(target: DatabaseTarget): string {
  return target.kind === 'sqlite'
    ? `sqlite:${target.file}`
    : `mysql://${target.user}@${target.host}:${target.port}/${target.dbName}`;
}
