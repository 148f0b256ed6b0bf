import type { Router } from '@koa/router';
import type { Config } from '../config.js';
import type { Orm } from '../db/orm.js';
import type { Logger } from '../logging/logger.js';
import type { Metrics } from '../metrics/metrics.js';
import type { ApprovalService } from '../domain/approvals/approval.service.js';
import type { PermissionService } from '../domain/auth/permission.service.js';
import type { Clock } from '../domain/ports/clock.port.js';
import type { JobQueue } from '../domain/ports/job-queue.port.js';
import type { LanguageModel } from '../domain/ports/language-model.port.js';
import type { Notifier } from '../domain/ports/notifier.port.js';
import type { JobDefinition } from '../jobs/job-registry.js';
import type { AppState } from '../miniapp-api/http/request-context.js';
import type { StaffTokens } from '../miniapp-api/auth/staff-token.js';

/**
 * What every capability's wire() receives: the shared parts the composition root builds first, all
 * usable at once (nothing here is bound later). No I/O happens while wiring; connections open when
 * the root starts (the ORM and the job store first, so `jobs` and `orm` work inside every start()).
 */
export type Platform = {
  config: Config;
  logger: Logger;
  /** The Prometheus registry: capabilities count their gateway calls and expose gauges here. */
  metrics: Metrics;
  orm: Orm;
  /** A fresh EntityManager for a job or a background task. */
  fork: () => ReturnType<Orm['em']['fork']>;
  jobs: JobQueue;
  clock: Clock;
  permissions: PermissionService;
  staffTokens: StaffTokens;
  approvals: ApprovalService;
  /** One OpenAI-compatible client (scripts, sentiment, call insights); undefined: fallbacks. */
  languageModel: LanguageModel | undefined;
  /** Staff notifications (the chat capability's; the log when no chat door is configured). */
  notifier: Notifier;
};

/** A recurring run of one of the capability's jobs (Agenda's `every`: '10 minutes' or a cron line). */
export type Schedule = { job: string; every: string; timezone?: string };

/**
 * One capability as the composition root sees it. The root mounts the routes on the HTTP door,
 * registers the jobs with the scheduler, schedules the recurring ones (the only timers), calls
 * start() in wiring order once the database and the job store are open, and stop() in reverse.
 */
export type Capability = {
  name: string;
  routes?: {
    /** Mounted before authentication (callbacks, logins, signed downloads). */
    public?: Router<AppState>[];
    /** Behind the staff bearer token; every route checks its own permission. */
    staff?: Router<AppState>[];
  };
  jobs?: JobDefinition<any>[];
  schedules?: Schedule[];
  start?(): Promise<void>;
  stop?(): Promise<void>;
};
