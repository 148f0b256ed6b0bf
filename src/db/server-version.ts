/**
 * The MySQL-protocol servers the domain SQL runs on: MariaDB 10.6 or later. The statements use MariaDB's
 * `SET STATEMENT … FOR` (per-statement limits of the behaviour run), `GROUP_CONCAT(… LIMIT n)`, and
 * `SELECT … FOR UPDATE SKIP LOCKED` and `JSON_TABLE` (10.6). Oracle MySQL has no `SET STATEMENT` and no
 * LIMIT inside GROUP_CONCAT, and no MySQL server is in the test matrix: rather than a nightly job failing at
 * 02:00, the process refuses such a server when it connects.
 */
export const MIN_MARIADB = [10, 6] as const;

/** Why a server of this `SELECT VERSION()` cannot be used, or null when it can. */
export function unsupportedServer(version: string): string | null {
  // Old MariaDB servers put a 5.5.5- before their own version for MySQL 5 clients' sake.
  const match = /^(\d+)\.(\d+)\.\d+/.exec(version.replace(/^5\.5\.5-/, ''));
  const wanted = `MariaDB ${MIN_MARIADB.join('.')} or later`;
  if (!match || !/mariadb/i.test(version)) return `database server ${JSON.stringify(version)} is not MariaDB: the domain SQL needs ${wanted} (README, Production)`;
  const [major, minor] = [Number(match[1]), Number(match[2])];
  if (major < MIN_MARIADB[0] || (major === MIN_MARIADB[0] && minor < MIN_MARIADB[1])) return `MariaDB ${major}.${minor} is too old: the domain SQL needs ${wanted} (README, Production)`;
  return null;
}
