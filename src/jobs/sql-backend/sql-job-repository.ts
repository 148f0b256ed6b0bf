import {
  computeJobState,
  type JobId,
  type JobParameters,
  type JobRepository,
  type JobRepositoryOptions,
  type JobsOverview,
  type JobsQueryOptions,
  type JobsResult,
  type RemoveJobsOptions,
} from 'agenda';
import { orderBy, queryWhere, selectionWhere, stateSql, type Where } from './job-filters.js';
import { lockKnownJob, lockNextJob } from './job-locking.js';
import { processorColumns, assignments, rowToJob, TABLE } from './job-row.js';
import { saveJob } from './save-job.js';
import type { SqlRunner } from './sql-runner.js';

const placeholders = (n: number) => Array.from({ length: n }, () => '?').join(', ');

/**
 * Agenda's JobRepository over the domain database (MariaDB or SQLite), in table agenda_jobs.
 * The table comes from our migrations, so connect() only checks that it is there.
 */
export class SqlJobRepository implements JobRepository {
  constructor(private readonly db: SqlRunner) {}

  async connect(): Promise<void> {
    await this.db.rows(`SELECT id FROM ${TABLE} LIMIT 1`);
  }

  async queryJobs(options: JobsQueryOptions = {}): Promise<JobsResult> {
    const now = new Date();
    const where = queryWhere(this.db, options, now);
    const [count] = await this.db.rows(`SELECT COUNT(*) AS total FROM ${TABLE} WHERE ${where.sql}`, where.params);
    const limit = options.limit && options.limit > 0 ? ` LIMIT ${Math.floor(options.limit)}` : '';
    const skip = options.skip && options.skip > 0 ? Math.floor(options.skip) : 0;
    // MariaDB wants a LIMIT before an OFFSET; 2^62 stands for "no limit".
    const offset = skip > 0 ? `${limit || ' LIMIT 4611686018427387904'} OFFSET ${skip}` : limit;
    const rows = await this.db.rows(`SELECT * FROM ${TABLE} WHERE ${where.sql} ORDER BY ${orderBy(options.sort)}${offset}`, where.params);
    const jobs = rows.map((row) => {
      const job = rowToJob(row);
      return { ...job, _id: job._id as JobId, state: computeJobState(job, now) };
    });
    return { jobs, total: Number(count?.total ?? 0) };
  }

  async getJobsOverview(): Promise<JobsOverview[]> {
    const state = stateSql(this.db, new Date());
    const counts = ['running', 'scheduled', 'queued', 'completed', 'failed', 'repeating'] as const;
    const rows = await this.db.rows(
      `SELECT name, COUNT(*) AS total, SUM(disabled) AS paused,
        ${counts.map((s) => `SUM(CASE WHEN st = '${s}' THEN 1 ELSE 0 END) AS ${s}`).join(', ')}
       FROM (SELECT name, disabled, ${state.sql} AS st FROM ${TABLE}) AS jobs GROUP BY name ORDER BY name`,
      state.params,
    );
    return rows.map((r) => ({
      name: String(r.name),
      total: Number(r.total),
      paused: Number(r.paused ?? 0),
      ...Object.fromEntries(counts.map((s) => [s, Number(r[s] ?? 0)])),
    })) as JobsOverview[];
  }

  async getDistinctJobNames(): Promise<string[]> {
    const rows = await this.db.rows(`SELECT DISTINCT name FROM ${TABLE} ORDER BY name`);
    return rows.map((r) => String(r.name));
  }

  async getJobById(id: string): Promise<JobParameters | null> {
    const [row] = await this.db.rows(`SELECT * FROM ${TABLE} WHERE id = ?`, [id]);
    return row ? rowToJob(row) : null;
  }

  async getQueueSize(): Promise<number> {
    const [row] = await this.db.rows(`SELECT COUNT(*) AS n FROM ${TABLE} WHERE next_run_at < ?`, [this.db.date(new Date())]);
    return Number(row?.n ?? 0);
  }

  async removeJobs(options: RemoveJobsOptions): Promise<number> {
    return this.updateSelected('DELETE FROM', '', options);
  }

  async disableJobs(options: RemoveJobsOptions): Promise<number> {
    return this.updateSelected('UPDATE', 'SET disabled = 1', options);
  }

  async enableJobs(options: RemoveJobsOptions): Promise<number> {
    return this.updateSelected('UPDATE', 'SET disabled = 0', options);
  }

  async purgeAllJobs(): Promise<number> {
    return this.db.run(`DELETE FROM ${TABLE}`);
  }

  saveJob<DATA = unknown>(job: JobParameters<DATA>, options: JobRepositoryOptions | undefined): Promise<JobParameters<DATA>> {
    return saveJob(this.db, job, options?.lastModifiedBy);
  }

  async saveJobState(job: JobParameters, options: JobRepositoryOptions | undefined): Promise<void> {
    if (!job._id) throw new Error('Cannot save job state without job ID');
    const set = assignments({
      ...processorColumns(this.db, job, false),
      next_run_at: this.db.date(job.nextRunAt),
      last_modified_by: options?.lastModifiedBy ?? null,
    });
    const matched = await this.db.run(`UPDATE ${TABLE} SET ${set.sql} WHERE id = ? AND name = ?`, [...set.params, String(job._id), job.name]);
    if (matched !== 1) {
      throw new Error(`job ${job._id} (name: ${job.name}) cannot be updated in the database, maybe it does not exist anymore?`);
    }
  }

  lockJob(job: JobParameters, options: JobRepositoryOptions | undefined): Promise<JobParameters | undefined> {
    if (!job._id) return Promise.resolve(undefined);
    return lockKnownJob(this.db, job, new Date(), options?.lastModifiedBy);
  }

  async unlockJob(job: JobParameters): Promise<void> {
    if (!job._id) return;
    // A one-time job that has started has nextRunAt NULL; its lock is released by saveJobState instead.
    await this.db.run(`UPDATE ${TABLE} SET locked_at = NULL WHERE id = ? AND next_run_at IS NOT NULL`, [String(job._id)]);
  }

  async unlockJobs(jobIds: (JobId | string)[]): Promise<void> {
    if (jobIds.length === 0) return;
    await this.db.run(`UPDATE ${TABLE} SET locked_at = NULL WHERE id IN (${placeholders(jobIds.length)})`, jobIds.map(String));
  }

  getNextJobToRun(
    jobName: string,
    nextScanAt: Date,
    lockDeadline: Date,
    now: Date | undefined,
    options: JobRepositoryOptions | undefined,
  ): Promise<JobParameters | undefined> {
    return lockNextJob(this.db, {
      name: jobName,
      nextScanAt,
      lockDeadline,
      lockedAt: now ?? new Date(),
      lastModifiedBy: options?.lastModifiedBy,
    });
  }

  private async updateSelected(verb: string, set: string, options: RemoveJobsOptions): Promise<number> {
    const where: Where | null = selectionWhere(this.db.dialect, options);
    if (!where) return 0;
    return this.db.run(`${verb} ${TABLE} ${set} WHERE ${where.sql}`, where.params);
  }
}
