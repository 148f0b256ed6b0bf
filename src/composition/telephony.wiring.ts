import type { Router } from '@koa/router';
import type { Config } from '../config.js';
import type { Orm } from '../db/orm.js';
import type { Logger } from '../logging/logger.js';
import type { JobQueue } from '../domain/ports/job-queue.port.js';
import type { LanguageModel } from '../domain/ports/language-model.port.js';
import type { Notifier } from '../domain/ports/notifier.port.js';
import type { Transcriber } from '../domain/ports/transcriber.port.js';
import type { VoiceGateway } from '../domain/ports/voice-gateway.port.js';
import { createOpenAiTranscriber } from '../gateways/openai/openai-transcriber.js';
import { callAnalysisJob, voicemailJob, callSweepJob } from '../jobs/call-analysis.job.js';
import type { JobDefinition } from '../jobs/job-registry.js';
import type { AppState } from '../miniapp-api/http/request-context.js';
import { recordingDownloadRoutes, recordingLinkRoutes } from '../miniapp-api/routes/telephony/recordings.routes.js';
import { routingRulesRoutes } from '../miniapp-api/routes/telephony/routing-rules.routes.js';
import { salesStatusRoutes } from '../miniapp-api/routes/telephony/sales-status.routes.js';
import { createTelephony, type TelephonyDoor } from '../telephony/telephony-door.js';

export type TelephonyWiring = {
  jobs: JobDefinition<any>[];
  staffRouters: Router<AppState>[];
  publicRouters: Router<AppState>[];
  /** FreeSWITCH originate when telephony is configured (outreach's voice override), else undefined. */
  voice: VoiceGateway | undefined;
  door: TelephonyDoor | undefined;
  start(): Promise<void>;
  stop(): Promise<void>;
};

const notConfiguredModel: LanguageModel = { complete: async () => ({ ok: false, code: 'NOT_CONFIGURED', message: 'OPENAI_BASE_URL / OPENAI_API_KEY not set' }) };
const notConfiguredTranscriber: Transcriber = { transcribe: async () => ({ ok: false, code: 'NOT_CONFIGURED', message: 'TRANSCRIBE_BASE_URL / OPENAI_* not set' }) };

/**
 * Telephony's part of the composition root: the sales-status, routing and recording routes and the
 * post-call jobs always; the FreeSWITCH door only when FREESWITCH_ESL_HOST is set (one log line otherwise).
 * `notifier` is read when first used so the root may build it later.
 */
export function wireTelephony(ctx: { config: Config; logger: Logger; orm: Orm; jobQueue: JobQueue; notifier: () => Notifier; languageModel: LanguageModel | undefined }): TelephonyWiring {
  const { config, logger, orm } = ctx;
  const notifier: Notifier = { notifyStaff: (id, n) => ctx.notifier().notifyStaff(id, n) };
  const fork = () => orm.em.fork();
  const model = ctx.languageModel ?? notConfiguredModel;
  const transcriber = config.model.transcription ? createOpenAiTranscriber(config.model.transcription) : notConfiguredTranscriber;
  const jobDeps = { fork, model, transcriber, notifier, timeZone: config.businessTimeZone };
  const recordings = { secret: config.auth.appSecret, recordingsDir: config.recordings.dir };
  const door = config.telephony
    ? createTelephony({ config: config.telephony, fork, logger, notifier, jobs: ctx.jobQueue, timeZone: config.businessTimeZone })
    : undefined;
  return {
    jobs: [callAnalysisJob(jobDeps), voicemailJob(jobDeps), callSweepJob({ fork, jobs: ctx.jobQueue, notifier, timeZone: config.businessTimeZone })],
    staffRouters: [salesStatusRoutes(), routingRulesRoutes(), recordingLinkRoutes(recordings)],
    publicRouters: [recordingDownloadRoutes(recordings)],
    voice: door?.voiceGateway,
    door,
    async start() {
      if (!door) {
        logger.info('telephony off: FREESWITCH_ESL_HOST is not set (no 400 call handling; the rest runs)');
        return;
      }
      await door.start();
    },
    async stop() {
      await door?.stop();
    },
  };
}
