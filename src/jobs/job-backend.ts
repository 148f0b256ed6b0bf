import { MongoBackend } from '@agendajs/mongo-backend';
import type { AgendaBackend } from 'agenda';
import type { Orm } from '../db/orm.js';
import { SqlBackend } from './sql-backend/sql-backend.js';

/**
 * Where jobs live. With MONGODB_URL: MongoDB through @agendajs/mongo-backend (the production design),
 * sorted like the SQL backend (priority first). Without it: the domain database (MariaDB or SQLite).
 */
export function createJobBackend(options: { mongodbUrl: string | undefined; orm: Orm }): AgendaBackend {
  if (options.mongodbUrl) {
    return new MongoBackend({
      address: options.mongodbUrl,
      collection: 'agendaJobs',
      sort: { priority: 'desc', nextRunAt: 'asc' },
    });
  }
  return new SqlBackend(options.orm);
}
