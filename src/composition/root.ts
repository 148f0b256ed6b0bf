import type { Notifier } from '../domain/ports/notifier.port.js';
import type { Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { MikroORM } from '@mikro-orm/sql';
import type * as PUPPET from 'wechaty-puppet';
import { loadConfig, type Config } from '../config.js';
import { describeDatabase } from '../db/database-url.js';
import { ensureMysqlDatabase, migrateUp, ormOptions, type Orm } from '../db/orm.js';
import { createLogger, type Logger } from '../logging/logger.js';
import { ApprovalService } from '../domain/approvals/approval.service.js';
import { campaignApprovable } from '../domain/approvals/campaign.approvable.js';
import { invitationApprovable } from '../domain/outreach/invitation.approvable.js';
import { PermissionService } from '../domain/auth/permission.service.js';
import { systemClock, type Clock } from '../domain/ports/clock.port.js';
import type { JobQueue } from '../domain/ports/job-queue.port.js';
import { createOpenAiLanguageModel } from '../gateways/openai/openai-language-model.js';
import { createAgendaJobQueue } from '../jobs/agenda-job-queue.js';
import { createJobBackend } from '../jobs/job-backend.js';
import { listJobs } from '../jobs/job-list.js';
import { JobRegistry, type JobDefinition } from '../jobs/job-registry.js';
import { noopJob } from '../jobs/noop.job.js';
import { buildScheduler, type BuiltScheduler } from '../jobs/scheduler.js';
import { createHttpApp } from '../miniapp-api/app.js';
import { StaffTokens } from '../miniapp-api/auth/staff-token.js';
import type { ChatOps } from '../bot/chat-ops.js';
import type { TelephonyDoor } from '../telephony/telephony-door.js';
import { createMetrics, type Metrics } from '../metrics/metrics.js';
import { startMetricsServer } from '../metrics/metrics-server.js';
import { measureJobs } from '../jobs/job-metrics.js';
import type { Capability, Platform } from './capability.js';
import * as chat from './chat.wiring.js';
import * as data from './data.wiring.js';
import * as staff from './staff.wiring.js';
import * as outreach from './outreach.wiring.js';
import * as telephony from './telephony.wiring.js';
import * as miniapp from './miniapp.wiring.js';
import * as customers from './customers.wiring.js';
import * as tiers from './tiers.wiring.js';
import * as campaigns from './campaigns.wiring.js';
import * as board from './board.wiring.js';
import { LiveCalls } from '../domain/calls/live-calls.js';
import { BoardPulse } from '../domain/board/board-pulse.js';
import { ProgressPulse } from '../domain/board/progress-pulse.js';
import { inProcessBoardBus, type BoardBus } from '../domain/ports/board-bus.port.js';
import { createRedisBoardBus } from '../gateways/redis/redis-board-bus.js';
import * as callTasks from './call-tasks.wiring.js';

export type RunningApp = {
  config: Config;
  logger: Logger;
  orm: Orm;
  scheduler: BuiltScheduler;
  jobQueue: JobQueue;
  /** The FreeSWITCH door when telephony is configured. */
  telephony: TelephonyDoor | undefined;
  /** Call tasks: the service's deps and the dialler's (tests run a task's dialler with their own clock). */
  callTasks: callTasks.CallTasksCapability;
  server: Server;
  /** The Koa app behind `server` (tests walk its routers to check every route is documented). */
  http: ReturnType<typeof createHttpApp>;
  /** Base URL the HTTP door listens on, e.g. http://127.0.0.1:3000 */
  url: string;
  /** The chat doors (router, notifier, WeCom client, Wechaty). */
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
  /** Where "now" comes from (default the system clock); tests and benchmarks move it. */
  clock?: Clock;
  /** Every staff notification goes here instead of the chat doors (the chat CLI prints the cards). */
  notifier?: Notifier;
};

/** The whole application built and not yet started: no connection is open, no timer runs. */
export type BuiltApp = Omit<RunningApp, 'server' | 'url' | 'metricsUrl' | 'stop'> & {
  capabilities: Capability[];
  /** Live-board events between this process's parts, and with REDIS_URL between processes. */
  boardBus: BoardBus;
  /** Opens the database (migrated) and the job store, starts the job worker, each capability in order, then HTTP. */
  start(): Promise<RunningApp>;
};

/**
 * The composition root, phase one: config, logger, ORM, job store, shared services, then every
 * capability's wire() in order — objects only, no I/O.
 * To add a capability: write src/composition/<name>.wiring.ts exporting wire(platform) that returns
 * a Capability (routes, jobs, schedules, start, stop), and add it to the list below.
 */
export function build(env: NodeJS.ProcessEnv = process.env, options: StartOptions = {}): BuiltApp {
  const config = loadConfig(env);
  const logger = options.logger ?? createLogger(config.logLevel);
  const orm: Orm = new MikroORM(ormOptions(config.database));
  const metrics = createMetrics();
  const registry = new JobRegistry().add(noopJob);
  const scheduler = buildScheduler(createJobBackend({ mongodbUrl: config.mongodbUrl, orm }), registry, {
    workerName: config.jobs.workerName,
    processEveryMs: config.jobs.processEveryMs,
    maxConcurrency: config.jobs.maxConcurrency,
    lockLifetimeMs: config.jobs.lockSeconds * 1000,
    log: logger.child({ component: 'jobs' }),
  });
  measureJobs(scheduler.agenda, metrics);
  const jobs = createAgendaJobQueue(scheduler.agenda);
  // Approvable kinds register here; the chat doors and the API decide through this one service.
  // Submitters hear decisions through the notifier the chat capability provides (wired below).
  // The live board hears of submissions, decisions, recorded calls and status changes through one pulse;
  // pulse and live calls travel on one bus (REDIS_URL: shared by every process).
  const boardBus = config.redis.url ? createRedisBoardBus({ url: config.redis.url, prefix: config.redis.prefix, logger }) : inProcessBoardBus();
  const boardPulse = new BoardPulse(boardBus);
  // Running SMS batches, call tasks and imports move the board's progress bars (at most once a second each).
  const progress = new ProgressPulse(boardPulse);
  const approvals = new ApprovalService({ timeZone: config.businessTimeZone, notifier: () => platform.notifier, onChange: () => boardPulse.changed('approvals') }).register(campaignApprovable(jobs)).register(invitationApprovable(jobs));
  const shared: Omit<Platform, 'notifier'> = {
    config,
    logger,
    metrics,
    orm,
    fork: () => orm.em.fork(),
    jobs,
    clock: options.clock ?? systemClock,
    permissions: new PermissionService(),
    staffTokens: new StaffTokens(config.auth.appSecret, config.auth.tokenTtlSeconds),
    approvals,
    languageModel: config.model.chat ? createOpenAiLanguageModel(config.model.chat) : undefined,
  };

  const callTaskDeps = callTasks.serviceDeps(shared);
  const chatCapability = chat.wire(shared, { wechatyPuppet: options.wechatyPuppet, callTasks: callTaskDeps });
  const platform: Platform = { ...shared, notifier: options.notifier ?? chatCapability.notifier };
  const liveCalls = new LiveCalls({ bus: boardBus });
  const telephonyCapability = telephony.wire(platform, { liveCalls, onCallRecorded: () => boardPulse.changed('calls'), onTaskProgress: (taskId) => progress.progressed('call-task', taskId) });
  const door = telephonyCapability.door;
  const socketHost = config.telephony?.socket.host;
  const callTasksCapability = callTasks.wire(platform, {
    deps: callTaskDeps,
    switch: door?.switch,
    // FreeSWITCH connects to the address we listen on (a wildcard listen: the switch is on this machine).
    socketAddress: () => (door?.socketPort() ? `${socketHost === '0.0.0.0' || socketHost === '::' || !socketHost ? '127.0.0.1' : socketHost}:${door.socketPort()}` : undefined),
    analysis: telephonyCapability.analysis,
  });
  const capabilities: Capability[] = [
    chatCapability,
    staff.wire(platform, { jobs: { list: (query) => listJobs(scheduler.agenda, query) } }),
    outreach.wire(platform, { voice: telephonyCapability.voice, progress }),
    miniapp.wire(platform),
    customers.wire(platform),
    tiers.wire(platform),
    campaigns.wire(platform),
    data.wire(platform, { progress }),
    telephonyCapability,
    callTasksCapability,
    board.wire(platform, { liveCalls, pulse: boardPulse, wecomClient: chatCapability.chatOps.wecomClient }),
  ];

  for (const capability of capabilities) for (const job of capability.jobs ?? []) registry.add(job);
  for (const job of options.extraJobs ?? []) registry.add(job);
  const http = createHttpApp({
    orm,
    logger,
    tokens: shared.staffTokens,
    permissions: shared.permissions,
    metrics,
    metricsToken: config.metrics.token,
    publicRouters: capabilities.flatMap((c) => c.routes?.public ?? []),
    staffRouters: capabilities.flatMap((c) => c.routes?.staff ?? []),
  });

  const built = { config, logger, metrics, orm, scheduler, jobQueue: jobs, telephony: telephonyCapability.door, callTasks: callTasksCapability, http, chatOps: chatCapability.chatOps, approvals, capabilities, boardBus };
  return { ...built, start: () => startApp(built) };
}

/** Builds, then starts (what `npm start` and the test harness call). */
export function start(env: NodeJS.ProcessEnv = process.env, options: StartOptions = {}): Promise<RunningApp> {
  return build(env, options).start();
}

/**
 * Phase two, in order: database (migrated), the board bus (REDIS_URL: Redis), job store, job worker with every capability's schedules
 * (JOBS_ENABLED=false: none), each capability's start(), HTTP. Whatever started is stopped in reverse,
 * also when a later step fails.
 */
async function startApp(app: Omit<BuiltApp, 'start'>): Promise<RunningApp> {
  const { config, logger, orm, scheduler, capabilities } = app;
  const stack: Array<{ name: string; stop: () => Promise<unknown> }> = [];
  const stopAll = async () => {
    while (stack.length > 0) {
      const part = stack.pop()!;
      try {
        await part.stop();
      } catch (err) {
        logger.error({ err, part: part.name }, 'stop failed');
      }
    }
  };
  try {
    if (config.database.kind === 'mysql') await ensureMysqlDatabase(config.database);
    await orm.connect();
    stack.push({ name: 'database', stop: () => orm.close(true) });
    const applied = await migrateUp(orm);
    logger.info({ database: describeDatabase(config.database), migrationsApplied: applied }, 'database ready');

    await app.boardBus.start();
    stack.push({ name: 'board bus', stop: () => app.boardBus.stop() });

    await scheduler.connect();
    stack.push({ name: 'jobs', stop: () => scheduler.stop({ timeoutMs: 15_000 }) });
    if (config.jobs.enabled) {
      await scheduler.start();
      for (const capability of capabilities) {
        for (const s of capability.schedules ?? []) await scheduler.agenda.every(s.every, s.job, {}, s.timezone ? { timezone: s.timezone } : {});
      }
      logger.info({ worker: scheduler.workerName, backend: config.mongodbUrl ? 'mongodb' : config.database.kind }, 'job worker started');
    } else {
      logger.info('JOBS_ENABLED=false: this process queues jobs but runs none');
    }

    for (const capability of capabilities) {
      await capability.start?.();
      if (capability.stop) stack.push({ name: capability.name, stop: capability.stop });
    }

    const server = app.http.listen(config.http.port, config.http.host);
    // An idle keep-alive socket stays open longer than any client or proxy keeps one (undici 4 s, load
    // balancers 60 s): the server closing first races a request sent on that socket, which the client
    // sees as ECONNRESET (nodejs/undici#3141) — on a loaded box even a 4 s client timer fires late.
    server.keepAliveTimeout = 65_000;
    server.headersTimeout = 66_000;
    // Once closing, a socket whose last answer went out is idle: close it then, not 65 s later.
    server.on('request', (_req, res: ServerResponse) => res.once('finish', () => !server.listening && setImmediate(() => server.closeIdleConnections())));
    await new Promise<void>((resolve, reject) => {
      server.once('listening', resolve);
      server.once('error', reject);
    });
    stack.push({ name: 'http', stop: () => closeServer(server) });
    const { port } = server.address() as AddressInfo;
    const url = `http://${config.http.host === '0.0.0.0' ? '127.0.0.1' : config.http.host}:${port}`;
    logger.info({ url, capabilities: capabilities.map((c) => c.name) }, 'http door listening');

    let metricsUrl: string | undefined;
    if (config.metrics.port !== undefined) {
      const metricsServer = await startMetricsServer(app.metrics, { host: config.metrics.host, port: config.metrics.port, token: config.metrics.token });
      stack.push({ name: 'metrics', stop: () => metricsServer.close() });
      metricsUrl = metricsServer.url;
      logger.info({ url: metricsUrl }, 'metrics listener started');
    }
    if (!config.metrics.token && config.metrics.port === undefined) logger.info('metrics not served: set METRICS_TOKEN (GET /metrics on this port) or METRICS_PORT (a separate listener)');

    let stopping: Promise<void> | undefined;
    const stop = () =>
      (stopping ??= (async () => {
        logger.info('shutting down: no new requests');
        await stopAll();
        logger.info('shutdown complete');
      })());
    const { capabilities: _, boardBus: __, ...rest } = app;
    return { ...rest, server, url, metricsUrl, stop };
  } catch (err) {
    await stopAll();
    throw err;
  }
}

/** Stops accepting connections, lets in-flight requests finish, then closes idle keep-alive sockets. */
function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeIdleConnections();
  });
}
