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
import { processorColumns, rowToJob, TABLE } from './job-row.js';
import { jobStateWrites } from './job-state-writes.js';
import { saveJob } from './save-job.js';
import type { SqlRunner } from './sql-runner.js';

const placeholders = (n: number) => Array.from({ length: n }, () => '?').join(', ');

/**
 * Agenda's JobRepository over the domain database (MariaDB or SQLite), in table agenda_jobs.
 * The table comes from our migrations, so connect() only checks that it is there.
 */
export type SqlJobRepositoryOptions = {
  /**
   * MariaDB: due jobs locked per claim transaction (default 20, the default concurrency). Agenda asks for
   * one job at a time; the others wait here, locked by this worker, for its next ask (within milliseconds
   * on a busy queue). One claim runs at a time per job name: each scans the index past the entries of
   * jobs deleted but not yet purged, so fewer, larger claims cost less. 1 turns it off. SQLite claims
   * with one UPDATE … RETURNING and ignores this.
   */
  claimBatch?: number;
};

export class SqlJobRepository implements JobRepository {
  /** Jobs locked for this worker by a batch claim and not yet handed to Agenda, by name. */
  readonly #claimed = new Map<string, JobParameters[]>();
  /** The claim transaction under way, by name: one at a time, so concurrent asks share its batch. */
  readonly #claiming = new Map<string, Promise<void>>();
  readonly #claimBatch: number;
  /** State saves and removals, grouped across the jobs running at once. */
  readonly #writes: ReturnType<typeof jobStateWrites>;
  /** Set by the scheduler: one-time jobs of these names are deleted by their final save when they succeeded. */
  #removesOnSuccess: ((name: string) => boolean) | undefined;

  constructor(
    private readonly db: SqlRunner,
    options: SqlJobRepositoryOptions = {},
  ) {
    this.#claimBatch = Math.max(1, Math.floor(options.claimBatch ?? 20));
    this.#writes = jobStateWrites(db);
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
    if (this.#removesOnSuccess && isFinalSuccess(job) && this.#removesOnSuccess(job.name)) return this.#writes.remove(String(job._id));
    return this.#writes.save({
      id: String(job._id),
      name: job.name,
      columns: { ...processorColumns(this.db, job, false), next_run_at: this.db.date(job.nextRunAt), last_modified_by: options?.lastModifiedBy ?? null },
    });
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
    const job = this.#takeClaimed(query);
    if (job) return job;
    const inFlight = this.#claiming.get(jobName);
    if (inFlight) {
      // Another ask's claim is on its way, and that ask's caller goes on taking its jobs one by one (Agenda
      // asks again after each job it locks, up to its lock limit). This ask gets none rather than scan the
      // table alongside it, or take jobs Agenda would find over its limit and unlock again at once.
      await inFlight.catch(() => undefined); // its own ask reports a failure
      return undefined;
    }
    const claim = lockNextJobs(this.db, query, this.#claimBatch).then((jobs) => {
      this.#claimed.set(jobName, [...(this.#claimed.get(jobName) ?? []), ...jobs]);
    });
    this.#claiming.set(jobName, claim);
    try {
      await claim;
    } finally {
      this.#claiming.delete(jobName);
    }
    return this.#takeClaimed(query);
  }

  /** The next job a batch claim locked for this worker, while its lock is still ours (younger than the lock lifetime). */
  #takeClaimed(query: { name: string; lockDeadline: Date; lastModifiedBy: string | undefined }): JobParameters | undefined {
    const waiting = this.#claimed.get(query.name);
    while (waiting?.length) {
      const job = waiting.shift()!;
      // An older lock is left to whoever takes it.
      if (job.lockedAt && job.lockedAt > query.lockDeadline && job.lastModifiedBy === query.lastModifiedBy) return job;
    }
    return undefined;
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
