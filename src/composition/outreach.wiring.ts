import type { VoiceGateway } from '../domain/ports/voice-gateway.port.js';
import type { OutreachDeps } from '../domain/outreach/outreach-deps.js';
import { createTencentSmsGateway } from '../gateways/tencent/tencent-sms-gateway.js';
import { createTencentVoiceGateway } from '../gateways/tencent/tencent-voice-gateway.js';
import { createRecordingSmsGateway } from '../gateways/recording-sms-gateway.js';
import { createRecordingVoiceGateway } from '../gateways/recording-voice-gateway.js';
import { outreachJobs, outreachSendJobs, outreachSweepJob, OUTREACH_SWEEP_EVERY, OUTREACH_SWEEP_JOB } from '../jobs/outreach/outreach.jobs.js';
import { smsRoutes } from '../miniapp-api/routes/outreach/sms.routes.js';
import { smsCallbackRoutes } from '../miniapp-api/routes/outreach/sms-callbacks.routes.js';
import { templateRoutes } from '../miniapp-api/routes/outreach/templates.routes.js';
import { invitationRoutes } from '../miniapp-api/routes/outreach/invitations.routes.js';
import { callRoutes } from '../miniapp-api/routes/outreach/call.routes.js';
import { followUpRoutes } from '../miniapp-api/routes/outreach/follow-up.routes.js';
import { feedbackRoutes } from '../miniapp-api/routes/outreach/feedback.routes.js';
import { historyRoutes } from '../miniapp-api/routes/outreach/history.routes.js';
import { measuredSmsGateway, measuredVoiceGateway } from '../metrics/gateway-metrics.js';
import type { ProgressPulse } from '../domain/board/progress-pulse.js';
import type { Capability, Platform } from './capability.js';

export type OutreachCapability = Capability & { deps: OutreachDeps };

/**
 * The outreach capability: carriers chosen by config (Tencent Cloud when credentials are set; the
 * dry-run gateways, said once in the log, with OUTREACH_DRY_RUN=true or a missing carrier outside
 * production), SMS/voice/invitation/follow-up/feedback/history routes, the send jobs and their sweep.
 * `voice` overrides the carrier's voice notification (FreeSWITCH when telephony is on).
 */
export function wire(platform: Platform, options: { voice?: VoiceGateway; progress?: ProgressPulse } = {}): OutreachCapability {
  const { config, logger } = platform;
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
  let voice = dryRun ? undefined : options.voice;
  if (!voice && !dryRun && config.tencent.voice) voice = createTencentVoiceGateway(config.tencent.voice);
  if (!voice) {
    const recording = createRecordingVoiceGateway(logger);
    voice = recording.gateway;
    logger.warn({ dryRun: true }, `${recording.description} (${why})`);
  }
  sms = measuredSmsGateway(sms, platform.metrics);
  voice = measuredVoiceGateway(voice, platform.metrics);
  const deps: OutreachDeps = {
    sms,
    voice,
    jobs: platform.jobs,
    clock: platform.clock,
    compliance: { timeZone: config.businessTimeZone, window: config.outreach.marketingWindow },
    batch: { chunkSize: config.outreach.batchChunkSize, settleAfterMs: config.outreach.settleAfterMs },
  };
  const invitations = { smsTemplateCode: config.outreach.invitationSmsTemplate, timeZone: config.businessTimeZone };
  const ai = { model: platform.languageModel, clock: platform.clock, timeZone: config.businessTimeZone, window: config.outreach.marketingWindow };
  const newEm = platform.fork;
  return {
    name: 'outreach',
    deps,
    routes: {
      staff: [
        templateRoutes(),
        smsRoutes(deps),
        callRoutes(deps),
        invitationRoutes(platform.approvals, platform.notifier, invitations),
        followUpRoutes(ai),
        feedbackRoutes({ ...ai, notifier: platform.notifier }),
        historyRoutes(),
      ],
      public: [smsCallbackRoutes(config.tencent.callbackToken)],
    },
    jobs: [...outreachJobs(newEm, deps, { batchLockMs: config.outreach.batchLockMs, batchProgressed: (id) => options.progress?.progressed('sms-batch', id) }), ...outreachSendJobs(newEm, deps, invitations, () => platform.notifier), outreachSweepJob(newEm, platform.jobs)],
    schedules: [{ job: OUTREACH_SWEEP_JOB, every: OUTREACH_SWEEP_EVERY }],
  };
}
