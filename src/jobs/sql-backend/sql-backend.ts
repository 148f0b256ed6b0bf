import type { AgendaBackend, JobRepository } from 'agenda';
import type { Orm } from '../../db/orm.js';
import { SqlJobRepository, type SqlJobRepositoryOptions } from './sql-job-repository.js';
import { sqlRunner } from './sql-runner.js';

/**
 * Agenda backend on the domain database (MariaDB/MySQL or SQLite), for deployments without MongoDB.
 * It borrows the ORM's connection: Agenda never opens or closes it (ownsConnection is false).
 * No notification channel: workers poll every processEvery ms.
 */
export class SqlBackend implements AgendaBackend {
  readonly name: string;
  readonly repository: JobRepository & Pick<SqlJobRepository, 'removeSucceededOnSave' | 'limitClaims' | 'releaseClaimed' | 'releaseLocksOf'>;
  readonly ownsConnection = false;

  constructor(orm: Orm, options: SqlJobRepositoryOptions = {}) {
    const db = sqlRunner(orm);
    this.name = db.dialect === 'sqlite' ? 'SQLite' : 'MySQL';
    this.repository = new SqlJobRepository(db, options);
  }

  /** Checks that agenda_jobs exists (migrations create it). */
  connect(): Promise<void> {
    return this.repository.connect();
  }

  /** Nothing to close: the ORM owns the connection. */
  async disconnect(): Promise<void> {}
}
