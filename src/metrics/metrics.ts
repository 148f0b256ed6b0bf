import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/** What the job store reports at scrape time: jobs due and not yet taken, by name, and the oldest one's age. */
export type JobQueueSnapshot = { queuedByName: Record<string, number>; oldestWaitingSeconds: number };

/**
 * Readings taken when Prometheus scrapes (never on a timer): each capability that owns the state
 * registers a source while the app is built; a source not registered reports nothing (or 0 for ESL).
 */
export type MetricSources = {
  jobQueue?: () => Promise<JobQueueSnapshot>;
  eslConnected?: () => boolean;
  /** How many times the event socket has (re)subscribed since start; reconnects = connects − 1. */
  eslConnects?: () => number;
  callsInFlight?: () => Record<string, number>;
  /** Staff notifications waiting in the durable outbox (see README: registered by the outbox once it exists). */
  outboxDepth?: () => Promise<number>;
};

/**
 * The Prometheus metrics of one app instance (its own registry, so two apps in one test process do not
 * mix). Counters and histograms are updated where things happen (HTTP middleware, scheduler events,
 * gateway decorators); gauges read their `sources` on each scrape.
 */
export type Metrics = ReturnType<typeof createMetrics>;

const DURATION_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
const JOB_BUCKETS = [0.01, 0.05, 0.1, 0.5, 1, 5, 15, 60, 300];

export function createMetrics() {
  const registry = new Registry();
  const sources: MetricSources = {};
  collectDefaultMetrics({ register: registry });
  const registers = [registry];
  // One job-store query per scrape: the two job gauges are collected together and share the read in flight.
  let reading: Promise<JobQueueSnapshot | undefined> | undefined;
  const readJobQueue = (): Promise<JobQueueSnapshot | undefined> => {
    if (!sources.jobQueue) return Promise.resolve(undefined);
    reading ??= sources.jobQueue()
      .catch(() => undefined)
      .finally(() => setImmediate(() => (reading = undefined)));
    return reading;
  };

  const httpDuration = new Histogram({
    name: 'http_request_duration_seconds',
    help: 'HTTP requests by method, route template (not the raw URL) and status',
    labelNames: ['method', 'route', 'status'] as const,
    buckets: DURATION_BUCKETS,
    registers,
  });
  const jobsStarted = new Counter({ name: 'salesops_jobs_started_total', help: 'Jobs started by this process, by job name', labelNames: ['name'] as const, registers });
  const jobsCompleted = new Counter({ name: 'salesops_jobs_completed_total', help: 'Jobs that finished successfully, by job name', labelNames: ['name'] as const, registers });
  const jobsFailed = new Counter({ name: 'salesops_jobs_failed_total', help: 'Job runs that failed (each attempt), by job name', labelNames: ['name'] as const, registers });
  const jobDuration = new Histogram({
    name: 'salesops_job_duration_seconds',
    help: 'Job run time by job name and outcome (success, failure)',
    labelNames: ['name', 'outcome'] as const,
    buckets: JOB_BUCKETS,
    registers,
  });
  new Gauge({
    name: 'salesops_job_queue_depth',
    help: 'Jobs due and waiting for a worker (all processes), by job name',
    labelNames: ['name'] as const,
    registers,
    async collect() {
      this.reset();
      const snapshot = await readJobQueue();
      for (const [name, n] of Object.entries(snapshot?.queuedByName ?? {})) this.set({ name }, n);
    },
  });
  new Gauge({
    name: 'salesops_job_oldest_waiting_seconds',
    help: 'Age of the oldest job that is due and not yet taken (0 when none waits)',
    registers,
    async collect() {
      const snapshot = await readJobQueue();
      this.set(snapshot?.oldestWaitingSeconds ?? 0);
    },
  });
  new Gauge({
    name: 'salesops_esl_connected',
    help: '1 while the FreeSWITCH event socket is connected and subscribed, else 0',
    registers,
    collect() {
      this.set(sources.eslConnected?.() ? 1 : 0);
    },
  });
  let reportedReconnects = 0;
  new Counter({
    name: 'salesops_esl_reconnects_total',
    help: 'Times the FreeSWITCH event socket subscribed again after losing its connection',
    registers,
    collect() {
      const now = Math.max(0, (sources.eslConnects?.() ?? 0) - 1);
      if (now > reportedReconnects) this.inc(now - reportedReconnects);
      reportedReconnects = Math.max(reportedReconnects, now);
    },
  });
  new Gauge({
    name: 'salesops_calls_in_flight',
    help: 'Calls on the switch now, by source (inbound, outbound, …)',
    labelNames: ['source'] as const,
    registers,
    collect() {
      this.reset();
      for (const [source, n] of Object.entries(sources.callsInFlight?.() ?? {})) this.set({ source }, n);
    },
  });
  const smsSends = new Counter({
    name: 'salesops_sms_sends_total',
    help: 'SMS per recipient by outcome (sent, failed, opted_out, deferred, request_failed, unknown)',
    labelNames: ['outcome'] as const,
    registers,
  });
  const carrierErrors = new Counter({
    name: 'salesops_carrier_api_errors_total',
    help: 'Carrier API errors (SMS, voice) by carrier and error code',
    labelNames: ['carrier', 'code'] as const,
    registers,
  });
  const wecomErrors = new Counter({
    name: 'salesops_wecom_api_errors_total',
    help: 'WeCom server API errors by code (errcode when WeCom answered, else our transport code)',
    labelNames: ['code'] as const,
    registers,
  });
  new Gauge({
    name: 'salesops_outbox_depth',
    help: 'Staff notifications waiting in the outbox',
    registers,
    async collect() {
      if (sources.outboxDepth) this.set(await sources.outboxDepth());
    },
  });

  return { registry, sources, httpDuration, jobsStarted, jobsCompleted, jobsFailed, jobDuration, smsSends, carrierErrors, wecomErrors };
}
