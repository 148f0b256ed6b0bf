/** `npm run migrate`: applies every pending migration to DATABASE_URL and lists what it applied. */
import { ConfigError, loadConfig } from '../config.js';
import { describeDatabase } from '../db/database-url.js';
import { connectOrm, migrateUp } from '../db/orm.js';

try {
  const config = loadConfig(process.env);
  const orm = await connectOrm(config.database);
  try {
    const applied = await migrateUp(orm);
    console.log(`${describeDatabase(config.database)}: ${applied.length ? `applied ${applied.join(', ')}` : 'up to date'}`);
  } finally {
    await orm.close(true);
  }
} catch (err) {
  console.error(err instanceof ConfigError ? err.message : `Migration failed: ${(err as Error).message}`);
  process.exit(1);
}
