import type { Agenda, Job } from 'agenda';
import type { JobQueueSnapshot, Metrics } from '../metrics/metrics.js';

const isLocal = (job: unknown): job is Job => Boolean(job && typeof job === 'object' && 'attrs' in job);

/**
 * Counts this worker's job runs (started, completed, failed, duration by name) from Agenda's own events,
 * and registers the queue reading Prometheus takes at scrape time (jobs due and not taken, by name, and
 * the oldest one's age — across every worker sharing the store).
 */
export function measureJobs(agenda: Agenda, metrics: Metrics): void {
  const seconds = (job: Job) => (job.attrs.lastRunAt ? (Date.now() - new Date(job.attrs.lastRunAt).getTime()) / 1000 : 0);
  agenda.on('start', (job: unknown) => {
    if (isLocal(job)) metrics.jobsStarted.inc({ name: job.attrs.name });
  });
  agenda.on('success', (job: unknown) => {
    if (!isLocal(job)) return;
    metrics.jobsCompleted.inc({ name: job.attrs.name });
    metrics.jobDuration.observe({ name: job.attrs.name, outcome: 'success' }, seconds(job));
  });
  agenda.on('fail', (_error: unknown, job: unknown) => {
    if (!isLocal(job)) return;
    metrics.jobsFailed.inc({ name: job.attrs.name });
    metrics.jobDuration.observe({ name: job.attrs.name, outcome: 'failure' }, seconds(job));
  });
  metrics.sources.jobQueue = () => readQueue(agenda);
}

async function readQueue(agenda: Agenda): Promise<JobQueueSnapshot> {
  const [overview, oldest] = await Promise.all([
    agenda.getJobsOverview(),
    agenda.queryJobs({ state: 'queued', sort: { nextRunAt: 'asc' }, limit: 1 }),
  ]);
  const queuedByName = Object.fromEntries(overview.map((o) => [o.name, o.queued]));
  const first = oldest.jobs[0]?.nextRunAt;
  const oldestWaitingSeconds = first ? Math.max(0, (Date.now() - new Date(first).getTime()) / 1000) : 0;
  return { queuedByName, oldestWaitingSeconds };
}
