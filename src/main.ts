import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { pathToFileURL } from 'node:url';
import { ConfigError, loadConfig, type Config } from './config.js';
import { describeDatabase } from './db/database-url.js';
import { connectOrm, migrateUp, type Orm } from './db/orm.js';
import { createLogger, type Logger } from './logging/logger.js';
import { PermissionService } from './domain/auth/permission.service.js';
import { createHttpApp } from './miniapp-api/app.js';
import { StaffTokens } from './miniapp-api/auth/staff-token.js';
import { createJobBackend } from './jobs/job-backend.js';
import { JobRegistry, type JobDefinition } from './jobs/job-registry.js';
import { createScheduler, type Scheduler } from './jobs/scheduler.js';
import { createAgendaJobQueue } from './jobs/agenda-job-queue.js';
import { listJobs } from './jobs/job-list.js';
import { noopJob } from './jobs/noop.job.js';
import { lateBoundJobQueue } from './jobs/late-bound-job-queue.js';
import { wireOutreach } from './composition/outreach.wiring.js';
import { OUTREACH_SWEEP_EVERY, OUTREACH_SWEEP_JOB } from './jobs/outreach/outreach.jobs.js';
import { CALL_SWEEP_EVERY, CALL_SWEEP_JOB } from './jobs/call-analysis.job.js';
import { MORNING_DIGEST_CRON, MORNING_DIGEST_JOB, morningDigestJob } from './jobs/chat/morning-digest.job.js';
import { TODO_REMINDERS_EVERY, TODO_REMINDERS_JOB, todoRemindersJob } from './jobs/chat/todo-reminders.job.js';
import { wireTelephony, type TelephonyWiring } from './composition/telephony.wiring.js';
import { wireData } from './composition/data.wiring.js';
import type { JobQueue } from './domain/ports/job-queue.port.js';
import { systemClock } from './domain/ports/clock.port.js';
import { createOpenAiLanguageModel } from './gateways/openai/openai-language-model.js';
import { createLogNotifier } from './gateways/log-notifier.js';
import { followUpRoutes } from './miniapp-api/routes/outreach/follow-up.routes.js';
import { feedbackRoutes } from './miniapp-api/routes/outreach/feedback.routes.js';
import { historyRoutes } from './miniapp-api/routes/outreach/history.routes.js';
import type * as PUPPET from 'wechaty-puppet';
import { ApprovalService } from './domain/approvals/approval.service.js';
import { campaignApprovable } from './domain/approvals/campaign.approvable.js';
import { invitationApprovable } from './domain/outreach/invitation.approvable.js';
import { startChatOps, type ChatOps } from './bot/chat-ops.js';
import { createJscode2SessionLogin } from './gateways/wechat/jscode2session.js';
import { miniappRoutes } from './miniapp-api/routes/miniapp/miniapp.routes.js';
import { miniappStaffRoutes } from './miniapp-api/routes/miniapp/miniapp-staff.routes.js';
import { MiniappTokens } from './miniapp-api/routes/miniapp/miniapp-token.js';
import { createMetrics, type Metrics } from './metrics/metrics.js';
import { startMetricsServer, type MetricsServer } from './metrics/metrics-server.js';
import { measureJobs } from './jobs/job-metrics.js';

export type RunningApp = {
  config: Config;
  logger: Logger;
  orm: Orm;
  scheduler: Scheduler;
  jobQueue: JobQueue;
  /** The FreeSWITCH door when telephony is configured. */
  telephony: TelephonyWiring['door'];
  server: Server;
  /** The Koa app behind `server` (tests walk its routers to check every route is documented). */
  http: ReturnType<typeof createHttpApp>;
  /** Base URL the HTTP door listens on, e.g. http://127.0.0.1:3000 */
  url: string;
  /** The chat doors (router, notifier, WeCom client, Wechaty) and the approval registry. */
  chatOps: ChatOps;
  approvals: ApprovalService;
  /** Prometheus registry of this app; `metricsUrl` when METRICS_PORT is set. */
  metrics: Metrics;
  metricsUrl: string | undefined;
  stop(): Promise<void>;
};

export type StartOptions = {
  logger?: Logger;
  /** Extra job kinds to define (operational hooks, tests that need a job of their own). */
  extraJobs?: JobDefinition<any>[];
  /** A Wechaty puppet instance (tests: wechaty-puppet-mock) used instead of the WECHATY_PUPPET package. */
  wechatyPuppet?: PUPPET.impls.PuppetInterface;
};

/**
 * Composition root: config → logger → database (migrated) → services → doors.
 * Returns a handle whose stop() shuts down in reverse order; tests boot the real app through it.
 */
export async function start(env: NodeJS.ProcessEnv = process.env, options: StartOptions = {}): Promise<RunningApp> {
  const config = loadConfig(env);
  const logger = options.logger ?? createLogger(config.logLevel);
  const orm = await connectOrm(config.database);
  const applied = await migrateUp(orm);
  logger.info({ database: describeDatabase(config.database), migrationsApplied: applied }, 'database ready');

  const metrics = createMetrics();
  const permissions = new PermissionService();
  const tokens = new StaffTokens(config.auth.appSecret, config.auth.tokenTtlSeconds);
  const jobQueue = lateBoundJobQueue();
  // Approvable kinds register here; the chat doors and the API decide through this one service.
  const approvals = new ApprovalService({ timeZone: config.businessTimeZone }).register(campaignApprovable).register(invitationApprovable(jobQueue));
  // One OpenAI-compatible client for scripts, sentiment and call insights; undefined: template and lexicon fallbacks.
  const languageModel = config.model.chat ? createOpenAiLanguageModel(config.model.chat) : undefined;
  const telephony = wireTelephony({ config, logger, orm, jobQueue, notifier: () => notifier, languageModel });
  const outreach = wireOutreach({ config, logger, orm, jobQueue, approvals, notifier: () => notifier, voice: telephony.voice, metrics });
  if (telephony.door) {
    const door = telephony.door;
    metrics.sources.eslConnected = () => door.events.connected();
    metrics.sources.eslConnects = () => door.events.stats.connects;
    metrics.sources.callsInFlight = () => door.callsInFlight();
  }
  const data = wireData({ config, orm, jobQueue });

  const jobs = new JobRegistry().add(noopJob);
  const digest = morningDigestJob(() => orm.em.fork(), () => ({ notifier, approvals, timeZone: config.businessTimeZone }));
  const reminders = todoRemindersJob(() => orm.em.fork(), () => ({ notifier, timeZone: config.businessTimeZone }));
  for (const job of [...outreach.jobs, ...telephony.jobs, ...data.jobs, digest, reminders, ...(options.extraJobs ?? [])]) jobs.add(job);
  const scheduler = await createScheduler(createJobBackend({ mongodbUrl: config.mongodbUrl, orm }), jobs, {
    workerName: config.jobs.workerName,
    processEveryMs: config.jobs.processEveryMs,
    maxConcurrency: config.jobs.maxConcurrency,
    log: logger.child({ component: 'jobs' }),
  });
  jobQueue.bind(createAgendaJobQueue(scheduler.agenda));
  measureJobs(scheduler.agenda, metrics);

  // Staff notifications: WeCom cards / WeChat text when a chat door is configured, the log otherwise.
  const chatOps = await startChatOps(
    { wecom: config.wecom, wechaty: config.wechaty, timeZone: config.businessTimeZone },
    { orm, logger, permissions, approvals, fallbackNotifier: createLogNotifier(logger), wechatyPuppet: options.wechatyPuppet, metrics },
  );
  const notifier = chatOps.notifier;

  // Jobs start once everything they call exists (the notifier above all).
  if (config.jobs.enabled) {
    await scheduler.start();
    await scheduler.agenda.every(MORNING_DIGEST_CRON, MORNING_DIGEST_JOB, {}, { timezone: config.businessTimeZone });
    await scheduler.agenda.every(TODO_REMINDERS_EVERY, TODO_REMINDERS_JOB, {});
    await scheduler.agenda.every(OUTREACH_SWEEP_EVERY, OUTREACH_SWEEP_JOB, {});
    await scheduler.agenda.every(CALL_SWEEP_EVERY, CALL_SWEEP_JOB, {});
    logger.info({ worker: scheduler.workerName, backend: config.mongodbUrl ? 'mongodb' : config.database.kind, jobs: jobs.names() }, 'job worker started');
  } else {
    logger.info('JOBS_ENABLED=false: this process queues jobs but runs none');
  }
  const miniappLogin = config.miniapp && createJscode2SessionLogin({ baseUrl: config.miniapp.apiBase, appId: config.miniapp.appId, secret: config.miniapp.secret });
  if (!miniappLogin) logger.info('mini-program login off: set MINIAPP_APPID and MINIAPP_SECRET to enable it');
  const miniappPublic = miniappLogin
    ? [miniappRoutes({ login: miniappLogin, miniappTokens: new MiniappTokens(config.auth.appSecret, config.auth.tokenTtlSeconds), staffTokens: tokens })]
    : [];
  const outreachAi = { model: languageModel, clock: systemClock, timeZone: config.businessTimeZone, window: config.outreach.marketingWindow };

  const app = createHttpApp({
    orm,
    logger,
    tokens,
    permissions,
    jobs: { list: (query) => listJobs(scheduler.agenda, query) },
    metrics,
    metricsToken: config.metrics.token,
    publicRouters: [...outreach.publicRouters, ...telephony.publicRouters, ...chatOps.publicRouters, ...miniappPublic],
    staffRouters: [miniappStaffRoutes(), ...outreach.staffRouters, ...telephony.staffRouters, followUpRoutes(outreachAi), feedbackRoutes({ ...outreachAi, notifier }), historyRoutes(), ...data.routes.staff],
  });

  const server = app.listen(config.http.port, config.http.host);
  await new Promise<void>((resolve, reject) => {
    server.once('listening', resolve);
    server.once('error', reject);
  });
  const { port } = server.address() as AddressInfo;
  const url = `http://${config.http.host === '0.0.0.0' ? '127.0.0.1' : config.http.host}:${port}`;
  logger.info({ url }, 'http door listening');
  await telephony.start();
  let metricsServer: MetricsServer | undefined;
  if (config.metrics.port !== undefined) {
    metricsServer = await startMetricsServer(metrics, { host: config.metrics.host, port: config.metrics.port, token: config.metrics.token });
    logger.info({ url: metricsServer.url }, 'metrics listener started');
  }
  if (!config.metrics.token && config.metrics.port === undefined) logger.info('metrics not served: set METRICS_TOKEN (GET /metrics on this port) or METRICS_PORT (a separate listener)');

  let stopping: Promise<void> | undefined;
  const stop = () =>
    (stopping ??= (async () => {
      logger.info('shutting down: no new requests');
      await telephony.stop();
      await metricsServer?.close();
      await closeServer(server);
      await chatOps.stop();
      await scheduler.stop({ timeoutMs: 15_000 });
      await orm.close(true);
      logger.info('shutdown complete');
    })());
  return { config, logger, orm, scheduler, jobQueue, telephony: telephony.door, server, http: app, url, chatOps, approvals, metrics, metricsUrl: metricsServer?.url, stop };
}

/** Stops accepting connections, lets in-flight requests finish, then closes idle keep-alive sockets. */
function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeIdleConnections();
  });
}

async function main(): Promise<void> {
  let running: RunningApp;
  try {
    running = await start();
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(err.message);
      process.exit(1);
    }
    console.error(`Start-up failed: ${(err as Error).message}`);
    process.exit(1);
  }
  const shutdown = (signal: string) => {
    running.logger.info({ signal }, 'signal received');
    const force = setTimeout(() => process.exit(1), 20_000);
    force.unref();
    running.stop().then(
      () => process.exit(0),
      (err: unknown) => {
        running.logger.error({ err }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.once('SIGTERM', () => shutdown('SIGTERM'));
  process.once('SIGINT', () => shutdown('SIGINT'));
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) void main();
