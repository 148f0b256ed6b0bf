import type { Router } from '@koa/router';
import type { Config } from '../config.js';
import type { Orm } from '../db/orm.js';
import type { Logger } from '../logging/logger.js';
import type { JobQueue } from '../domain/ports/job-queue.port.js';
import type { VoiceGateway } from '../domain/ports/voice-gateway.port.js';
import type { Notifier } from '../domain/ports/notifier.port.js';
import { systemClock } from '../domain/ports/clock.port.js';
import type { OutreachDeps } from '../domain/outreach/outreach-deps.js';
import { createTencentSmsGateway } from '../gateways/tencent/tencent-sms-gateway.js';
import { createTencentVoiceGateway } from '../gateways/tencent/tencent-voice-gateway.js';
import { createRecordingSmsGateway } from '../gateways/recording-sms-gateway.js';
import { createRecordingVoiceGateway } from '../gateways/recording-voice-gateway.js';
import type { JobDefinition } from '../jobs/job-registry.js';
import { outreachJobs } from '../jobs/outreach/outreach.jobs.js';
import type { AppState } from '../miniapp-api/http/request-context.js';
import { smsRoutes } from '../miniapp-api/routes/outreach/sms.routes.js';
import { smsCallbackRoutes } from '../miniapp-api/routes/outreach/sms-callbacks.routes.js';
import { templateRoutes } from '../miniapp-api/routes/outreach/templates.routes.js';
import { invitationRoutes } from '../miniapp-api/routes/outreach/invitations.routes.js';
import { callRoutes } from '../miniapp-api/routes/outreach/call.routes.js';
import { outreachSendJobs, outreachSweepJob } from '../jobs/outreach/outreach.jobs.js';
import type { ApprovalService } from '../domain/approvals/approval.service.js';
import type { Metrics } from '../metrics/metrics.js';
import { measuredSmsGateway, measuredVoiceGateway } from '../metrics/gateway-metrics.js';

export type OutreachWiring = {
  deps: OutreachDeps;
  jobs: JobDefinition<any>[];
  staffRouters: Router<AppState>[];
  publicRouters: Router<AppState>[];
};

/**
 * Outreach's part of the composition root: carriers chosen by config (Tencent Cloud when credentials
 * are set; the dry-run gateways, said once in the log, with OUTREACH_DRY_RUN=true or a missing carrier
 * outside production), the
 * services' dependencies, their jobs and routes. `voice` may be overridden (FreeSWITCH when telephony is on).
 */
export function wireOutreach(ctx: { config: Config; logger: Logger; orm: Orm; jobQueue: JobQueue; approvals: ApprovalService; notifier: () => Notifier; voice?: VoiceGateway; metrics?: Metrics }): OutreachWiring {
  const { config, logger } = ctx;
  // A dry run is explicit (OUTREACH_DRY_RUN=true) or, outside production, what a missing carrier means;
  // production without a carrier does not start (config check).
  const dryRun = config.outreach.dryRun;
  const why = dryRun ? 'OUTREACH_DRY_RUN=true' : `no carrier configured, NODE_ENV=${config.env}`;
  let sms: OutreachDeps['sms'];
  if (config.tencent.sms && !dryRun) {
    sms = createTencentSmsGateway(config.tencent.sms);
    logger.info({ region: config.tencent.sms.region }, 'SMS goes through Tencent Cloud');
  } else {
    const recording = createRecordingSmsGateway(logger);
    sms = recording.gateway;
    logger.warn({ dryRun: true }, `${recording.description} (${why})`);
  }
  let voice = dryRun ? undefined : ctx.voice;
  if (!voice && !dryRun && config.tencent.voice) voice = createTencentVoiceGateway(config.tencent.voice);
  if (!voice) {
    const recording = createRecordingVoiceGateway(logger);
    voice = recording.gateway;
    logger.warn({ dryRun: true }, `${recording.description} (${why})`);
  }
  if (ctx.metrics) {
    sms = measuredSmsGateway(sms, ctx.metrics);
    voice = measuredVoiceGateway(voice, ctx.metrics);
  }
  const deps: OutreachDeps = {
    sms,
    voice,
    jobs: ctx.jobQueue,
    clock: systemClock,
    compliance: { timeZone: config.businessTimeZone, window: config.outreach.marketingWindow },
    batch: { chunkSize: config.outreach.batchChunkSize, settleAfterMs: config.outreach.settleAfterMs },
  };
  const invitations = { smsTemplateCode: config.outreach.invitationSmsTemplate, timeZone: config.businessTimeZone };
  const newEm = () => ctx.orm.em.fork();
  return {
    deps,
    jobs: [...outreachJobs(newEm, deps, { batchLockMs: config.outreach.batchLockMs }), ...outreachSendJobs(newEm, deps, invitations), outreachSweepJob(newEm, ctx.jobQueue)],
    staffRouters: [templateRoutes(), smsRoutes(deps), callRoutes(deps), invitationRoutes(ctx.approvals, ctx.notifier, invitations)],
    publicRouters: [smsCallbackRoutes(config.tencent.callbackToken)],
  };
}
