import type { JobState, JobsQueryOptions, JobsResult } from 'agenda';

/** Anything that can query jobs: an Agenda instance or a JobRepository. */
export type JobSource = { queryJobs(options?: JobsQueryOptions): Promise<JobsResult> };

export type JobListQuery = { page: number; size: number; state?: JobState; name?: string };

export type JobRecord = {
  id: string;
  name: string;
  state: JobState;
  /** 0-100 as last reported by job.touch(progress), or null. */
  progress: number | null;
  nextRunAt: string | null;
  lastRunAt: string | null;
  lastFinishedAt: string | null;
  failCount: number;
  /** The last failure's message (kept after a later success; compare failedAt with lastFinishedAt). */
  failReason: string | null;
  failedAt: string | null;
};

export type JobPage = { records: JobRecord[]; total: number; size: number; current: number; pages: number };

export const MAX_PAGE_SIZE = 100;

const iso = (d: Date | null | undefined) => (d ? new Date(d).toISOString() : null);

/** A page of jobs for GET /api/jobs, newest schedule first; page is 1-based, size at most 100. */
export async function listJobs(source: JobSource, query: JobListQuery): Promise<JobPage> {
  const size = Math.min(Math.max(Math.floor(query.size) || 20, 1), MAX_PAGE_SIZE);
  const current = Math.max(Math.floor(query.page) || 1, 1);
  const result = await source.queryJobs({
    ...(query.name ? { name: query.name } : {}),
    ...(query.state ? { state: query.state } : {}),
    sort: { nextRunAt: 'desc', lastRunAt: 'desc' },
    skip: (current - 1) * size,
    limit: size,
  });
  const records = result.jobs.map((job) => ({
    id: String(job._id),
    name: job.name,
    state: job.state,
    progress: job.progress ?? null,
    nextRunAt: iso(job.nextRunAt),
    lastRunAt: iso(job.lastRunAt),
    lastFinishedAt: iso(job.lastFinishedAt),
    failCount: job.failCount ?? 0,
    failReason: job.failReason ?? null,
    failedAt: iso(job.failedAt),
  }));
  return { records, total: result.total, size, current, pages: Math.ceil(result.total / size) };
}
