import { hostname } from 'node:os';
import { randomBytes } from 'node:crypto';
import { Agenda, InMemoryNotificationChannel, type AgendaBackend, type DrainResult, type Job, type JobWithState } from 'agenda';
import type { JobRegistry } from './job-registry.js';
import type { SqlJobRepository } from './sql-backend/sql-job-repository.js';

/** What the SQL job store offers the scheduler beyond Agenda's repository (absent on other stores). */
type SqlStoreHooks = Pick<SqlJobRepository, 'removeSucceededOnSave' | 'limitClaims' | 'releaseClaimed' | 'releaseLocksOf'>;

/** The part of a pino logger the scheduler uses. */
export type SchedulerLog = {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
};

export type SchedulerOptions = {
  /** Written to lastModifiedBy on every job this worker locks; must differ between workers. */
  workerName?: string;
  /** How often to look for due jobs, in milliseconds (Agenda ignores strings like '200 ms'). */
  processEveryMs: number;
  /** Jobs running at once in this worker, all kinds together (also each kind's default). */
  maxConcurrency: number;
  /** Jobs this worker may hold locked (running + waiting locally); default 2 × maxConcurrency. */
  lockLimit?: number;
  /** A lock older than this is presumed abandoned and the job is run again; default 10 min. */
  lockLifetimeMs?: number;
  log: SchedulerLog;
};

export type Scheduler = {
  readonly agenda: Agenda;
  readonly workerName: string;
  /** Starts polling for due jobs. */
  start(): Promise<void>;
  /**
   * Stops taking jobs and waits for the running ones to finish (up to timeoutMs), then releases
   * the locks on jobs this worker had taken but not started, so other workers run them at once.
   */
  stop(options?: { timeoutMs?: number }): Promise<DrainResult>;
};

/**
 * Builds the scheduler without any I/O (the composition root's build phase), then connects it:
 * createScheduler is both steps for callers that have every job kind at hand.
 */
export async function createScheduler(backend: AgendaBackend, jobs: JobRegistry, options: SchedulerOptions): Promise<Scheduler> {
  const scheduler = buildScheduler(backend, jobs, options);
  await scheduler.connect();
  return scheduler;
}

export type BuiltScheduler = Scheduler & {
  /**
   * Opens the job store and defines every job kind registered by now (add kinds before this).
   * Saving jobs (the JobQueue) waits for this; processing starts with start().
   */
  connect(): Promise<void>;
};

/**
 * An Agenda over the backend with no I/O yet: the backend's connection opens in connect(), failing
 * there rather than as an unhandled rejection inside Agenda's constructor.
 */
export function buildScheduler(backend: AgendaBackend, jobs: JobRegistry, options: SchedulerOptions): BuiltScheduler {
  const gated = connectWhenAsked(backend);
  const workerName = options.workerName ?? `${hostname()}:${process.pid}:${randomBytes(3).toString('hex')}`;
  const wake = new InMemoryNotificationChannel();
  const agenda = new Agenda({
    backend: gated.backend,
    notificationChannel: wake,
    name: workerName,
    processEvery: options.processEveryMs,
    maxConcurrency: options.maxConcurrency,
    defaultConcurrency: options.maxConcurrency,
    lockLimit: options.lockLimit ?? options.maxConcurrency * 2,
    defaultLockLifetime: options.lockLifetimeMs ?? 10 * 60_000,
    // Removal is ours (afterComplete): Agenda's awaits the delete while the job still counts as
    // locked and running, which starves the wake-up below and stalls drain() until its timeout.
    removeOnComplete: false,
  });
  logEvents(agenda, options.log);
  // The SQL store deletes a succeeded one-time job in its final save; other stores get the DELETE after.
  const store = backend.repository as Partial<SqlStoreHooks>;
  const removedOnSave = typeof store.removeSucceededOnSave === 'function';
  if (removedOnSave) store.removeSucceededOnSave!((name) => jobs.removesOnComplete(name));
  // A claim takes no more jobs of a kind than this worker runs of it at once (definitions exist after connect()).
  store.limitClaims?.((name) => {
    const definition = agenda.definitions[name];
    if (!definition) return undefined;
    return Math.min(definition.concurrency ?? options.maxConcurrency, definition.lockLimit > 0 ? definition.lockLimit : Infinity);
  });
  const removals = afterComplete(agenda, jobs, wake, workerName, removedOnSave);
  const started = startedHere(agenda);

  return {
    agenda,
    workerName,
    async connect() {
      jobs.defineOn(agenda, { concurrency: options.maxConcurrency });
      await gated.open();
    },
    async start() {
      // A name given in the settings is this process's own: locks still held under it were left by its
      // previous run (crashed or killed), so they are released now rather than after the lock lifetime.
      if (options.workerName && store.releaseLocksOf) {
        const released = await store.releaseLocksOf(workerName);
        if (released > 0) options.log.warn({ worker: workerName, released }, 'released job locks left by this worker name\'s previous run');
      }
      await agenda.start();
    },
    async stop({ timeoutMs = 30_000 } = {}) {
      const result = await agenda.drain({ timeout: timeoutMs, closeConnection: false });
      await removals.settled();
      // Jobs the store claimed ahead for this worker that Agenda never took: back to every worker at once.
      await store.releaseClaimed?.();
      await releaseLocks(agenda, workerName, result.timedOut || result.aborted ? started : null);
      if (backend.ownsConnection ?? true) await backend.disconnect();
      options.log.info({ worker: workerName, ...result }, 'job scheduler stopped');
      return result;
    },
  };
}

/**
 * After a drain nothing of ours runs any more, so every lock we still hold is released. After a
 * timeout (`stillRunning` given) only the jobs that never started under their lock are; the ones
 * still running keep their lock until it expires rather than risk running twice. A job started here
 * may have renewed its lock (job.touch() moves lockedAt past lastRunAt), so "started" is what this
 * process saw start, or a lastRunAt not older than the lock.
 */
async function releaseLocks(agenda: Agenda, workerName: string, stillRunning: ReadonlySet<string> | null): Promise<void> {
  const { jobs } = await agenda.queryJobs({ state: 'running' });
  const notStarted = (job: JobWithState) =>
    !stillRunning!.has(String(job._id)) && (!job.lastRunAt || (job.lockedAt !== undefined && job.lastRunAt < job.lockedAt));
  const ours = jobs.filter((job) => job.lastModifiedBy === workerName && (!stillRunning || notStarted(job)));
  if (ours.length > 0) await agenda.db.unlockJobs(ours.map((job) => job._id));
}

/** The ids of the jobs this process has started and not yet finished. */
function startedHere(agenda: Agenda): ReadonlySet<string> {
  const running = new Set<string>();
  const idOf = (job: unknown) => (job && typeof job === 'object' && 'attrs' in job ? String((job as Job).attrs._id) : null);
  agenda.on('start', (job: unknown) => {
    const id = idOf(job);
    if (id) running.add(id);
  });
  agenda.on('complete', (job: unknown) => {
    const id = idOf(job);
    if (id) running.delete(id);
  });
  return running;
}

/**
 * Agenda calls backend.connect() in its constructor, without a catch. Here that call waits until
 * open() (the start phase), which makes the one real connection attempt and reports its failure;
 * Agenda's own copy of a failed attempt never settles (it would only be an unhandled rejection).
 */
function connectWhenAsked(backend: AgendaBackend): { backend: AgendaBackend; open(): Promise<void> } {
  let opened!: () => void;
  const asked = new Promise<void>((resolve) => (opened = resolve));
  let connecting: Promise<void> | undefined;
  const connect = () => (connecting ??= asked.then(() => backend.connect()));
  return {
    open() {
      opened();
      return connect();
    },
    backend: {
      get name() {
        return backend.name;
      },
      get repository() {
        return backend.repository;
      },
      get notificationChannel() {
        return backend.notificationChannel;
      },
      get logger() {
        return backend.logger;
      },
      get ownsConnection() {
        return backend.ownsConnection;
      },
      connect: () => connect().catch(() => new Promise<void>(() => {})),
      disconnect: async () => {
        connecting = undefined;
        await backend.disconnect();
      },
    },
  };
}

/**
 * When a job finishes: delete it if it was a one-time success whose definition asks for that, and
 * look for the next job of its kind at once. Agenda takes new jobs only when it polls (every
 * processEvery ms, up to lockLimit at a time), so a backlog would drain at most lockLimit per poll;
 * the wake-up goes through an in-process notification channel, Agenda's own way of saying "a job of
 * this kind is due". It waits a turn of the event loop, until the finished job has left the
 * processor's locked list. Other workers still poll.
 */
function afterComplete(agenda: Agenda, jobs: JobRegistry, wake: InMemoryNotificationChannel, workerName: string, removedOnSave: boolean) {
  const pending = new Set<Promise<unknown>>();
  agenda.on('complete', (job: Job | unknown) => {
    if (!(job && typeof job === 'object' && 'attrs' in job)) return; // a remote event: not ours to act on
    const { _id: id, name, priority, nextRunAt, lastFinishedAt, failedAt } = (job as Job).attrs;
    if (!id) return;
    const succeeded = lastFinishedAt !== undefined && (!failedAt || lastFinishedAt > failedAt);
    if (succeeded && !nextRunAt && jobs.removesOnComplete(name) && !removedOnSave) {
      const removal = agenda.cancel({ id }).catch((error: unknown) => agenda.emit('error', error));
      pending.add(removal);
      void removal.finally(() => pending.delete(removal));
    }
    setImmediate(() => {
      if (wake.state !== 'connected') return;
      const now = new Date();
      wake
        .publish({ jobId: id, jobName: name, nextRunAt: now, priority, timestamp: now, source: workerName })
        .catch((error: unknown) => agenda.emit('error', error));
    });
  });
  /** Resolves once every removal started so far has finished. */
  return { settled: async () => void (await Promise.all([...pending])) };
}

function logEvents(agenda: Agenda, log: SchedulerLog): void {
  agenda.on('fail', (error, job) => {
    log.warn({ job: job.attrs.name, jobId: String(job.attrs._id), failCount: job.attrs.failCount, err: error }, 'job failed');
  });
  agenda.on('retry', (job, details) => {
    log.info({ job: job.attrs.name, jobId: String(job.attrs._id), attempt: details.attempt, delayMs: details.delay }, 'job retry scheduled');
  });
  agenda.on('retry exhausted', (error, job) => {
    log.error({ job: job.attrs.name, jobId: String(job.attrs._id), failCount: job.attrs.failCount, err: error }, 'job gave up');
  });
  agenda.on('error', (error) => log.error({ err: error }, 'job scheduler error'));
}
