import type { AgendaBackend } from 'agenda';
import { connectOrm, type Orm } from '../../src/db/orm.js';
import { SqlBackend } from '../../src/jobs/sql-backend/sql-backend.js';
import { createMigratedOrm, DIALECTS } from '../support/database.js';
import { jobRepositoryContract } from './job-repository.contract.js';

// The SQL job backend on each dialect the product runs on. The Mongo backend has no server here.
for (const dialect of DIALECTS) {
  jobRepositoryContract(`SqlBackend on ${dialect}`, async () => {
    const { orm, db, close } = await createMigratedOrm(dialect);
    const others: Orm[] = [];
    return {
      backend: new SqlBackend(orm),
      async openBackend(): Promise<AgendaBackend> {
        const second = await connectOrm(db.target);
        others.push(second);
        return new SqlBackend(second);
      },
      async close() {
        for (const other of others) await other.close(true);
        await close();
      },
    };
  });
}
