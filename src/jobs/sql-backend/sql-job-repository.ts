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
import { lockKnownJob, lockNextJob, lockNextJobs } from './job-locking.js';
import { processorColumns, assignments, rowToJob, TABLE } from './job-row.js';
import { saveJob } from './save-job.js';
import type { SqlRunner } from './sql-runner.js';

const placeholders = (n: number) => Array.from({ length: n }, () => '?').join(', ');

/**
 * Agenda's JobRepository over the domain database (MariaDB or SQLite), in table agenda_jobs.
 * The table comes from our migrations, so connect() only checks that it is there.
 */
export type SqlJobRepositoryOptions = {
  /**
   * MariaDB: due jobs locked per claim transaction (default 4). Agenda asks for one job at a time; the
   * others wait here, locked by this worker, for its next ask (within milliseconds on a busy queue).
   * 1 turns it off. SQLite claims with one UPDATE … RETURNING and ignores this.
   */
  claimBatch?: number;
};

export class SqlJobRepository implements JobRepository {
  /** Jobs locked for this worker by a batch claim and not yet handed to Agenda, by name. */
  readonly #claimed = new Map<string, JobParameters[]>();
  readonly #claimBatch: number;
  /** Set by the scheduler: one-time jobs of these names are deleted by their final save when they succeeded. */
  #removesOnSuccess: ((name: string) => boolean) | undefined;

  constructor(
    private readonly db: SqlRunner,
    options: SqlJobRepositoryOptions = {},
  ) {
    this.#claimBatch = Math.max(1, Math.floor(options.claimBatch ?? 4));
  }

  /**
   * The final save of a successful one-time job of a kind that is removed on completion becomes the
   * DELETE (one statement and one commit instead of an UPDATE and then a DELETE).
   */
  removeSucceededOnSave(removes: (name: string) => boolean): void {
    this.#removesOnSuccess = removes;
  }

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
    if (this.#removesOnSuccess && isFinalSuccess(job) && this.#removesOnSuccess(job.name)) {
      await this.db.run(`DELETE FROM ${TABLE} WHERE id = ? AND name = ?`, [String(job._id), job.name]);
      return;
    }
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
    this.#forget([String(job._id)]);
    // A one-time job that has started has nextRunAt NULL; its lock is released by saveJobState instead.
    await this.db.run(`UPDATE ${TABLE} SET locked_at = NULL WHERE id = ? AND next_run_at IS NOT NULL`, [String(job._id)]);
  }

  async unlockJobs(jobIds: (JobId | string)[]): Promise<void> {
    if (jobIds.length === 0) return;
    this.#forget(jobIds.map(String));
    await this.db.run(`UPDATE ${TABLE} SET locked_at = NULL WHERE id IN (${placeholders(jobIds.length)})`, jobIds.map(String));
  }

  async getNextJobToRun(
    jobName: string,
    nextScanAt: Date,
    lockDeadline: Date,
    now: Date | undefined,
    options: JobRepositoryOptions | undefined,
  ): Promise<JobParameters | undefined> {
    const query = { name: jobName, nextScanAt, lockDeadline, lockedAt: now ?? new Date(), lastModifiedBy: options?.lastModifiedBy };
    if (this.db.dialect === 'sqlite' || this.#claimBatch === 1) return lockNextJob(this.db, query);
    const waiting = this.#claimed.get(jobName);
    while (waiting?.length) {
      const job = waiting.shift()!;
      // Still ours only while its lock is younger than the lock lifetime; an older one is left to whoever takes it.
      if (job.lockedAt && job.lockedAt > lockDeadline && job.lastModifiedBy === query.lastModifiedBy) return job;
    }
    const jobs = await lockNextJobs(this.db, query, this.#claimBatch);
    if (jobs.length > 1) this.#claimed.set(jobName, [...(this.#claimed.get(jobName) ?? []), ...jobs.slice(1)]);
    return jobs[0];
  }

  /** Drops jobs from the claimed buffer (their lock was released: they are no longer ours to run). */
  #forget(ids: string[]): void {
    const gone = new Set(ids);
    for (const [name, jobs] of this.#claimed) this.#claimed.set(name, jobs.filter((job) => !gone.has(String(job._id))));
  }

  private async updateSelected(verb: string, set: string, options: RemoveJobsOptions): Promise<number> {
    const where: Where | null = selectionWhere(this.db.dialect, options);
    if (!where) return 0;
    return this.db.run(`${verb} ${TABLE} ${set} WHERE ${where.sql}`, where.params);
  }
}

/** The save after a run that succeeded and will not run again (unlocked, no next run, finished after any failure). */
function isFinalSuccess(job: JobParameters): boolean {
  if (job.lockedAt || job.nextRunAt || !job.lastFinishedAt) return false;
  if (job.repeatInterval) return false;
  return !job.failedAt || new Date(job.lastFinishedAt) > new Date(job.failedAt);
}
