import { createConnection } from 'mysql2/promise';
import { mysqlServerUrl } from './database.js';
import { buildBoardIfStale } from '../../web/board/build.js';
import { buildSchemaTemplate } from './schema-template.js';
import type { TestProject } from 'vitest/node';

/**
 * Fails fast with a readable message when the runtime or MariaDB is not what the suites need; migrates
 * the run's schema template (test/support/schema-template.ts) once, and drops it when the run ends.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const major = Number(process.versions.node.split('.')[0]);
  if (major < 24) throw new Error(`Tests need Node 24 (the node@24 devDependency); running on ${process.version}. Use npm test.`);
  const url = new URL(mysqlServerUrl);
  try {
    const conn = await createConnection({
      host: url.hostname,
      port: Number(url.port || 3306),
      user: decodeURIComponent(url.username) || 'root',
      password: decodeURIComponent(url.password),
      connectTimeout: 5000,
    });
    await conn.end();
  } catch (err) {
    throw new Error(`MariaDB at ${url.host} is not reachable (${(err as Error).message}); .ci/run starts it.`);
  }
  // The live board's page (web/board → dist/board): npm test builds it first; a single `npx vitest run` may not have.
  await buildBoardIfStale();
  const { template, drop } = await buildSchemaTemplate(mysqlServerUrl);
  project.provide('schemaTemplate', template);
  return drop;
}
