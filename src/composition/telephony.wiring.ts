import { hostname } from 'node:os';
import type { LanguageModel } from '../domain/ports/language-model.port.js';
import type { Transcriber } from '../domain/ports/transcriber.port.js';
import type { VoiceGateway } from '../domain/ports/voice-gateway.port.js';
import { createOpenAiTranscriber } from '../gateways/openai/openai-transcriber.js';
import { createOpenAiSpeech } from '../gateways/openai/openai-speech.js';
import type { SpeechSynthesizer } from '../domain/ports/speech-synthesizer.port.js';
import { callAnalysisJob, voicemailJob, callSweepJob, CALL_SWEEP_EVERY, CALL_SWEEP_JOB } from '../jobs/call-analysis.job.js';
import { recordingDownloadRoutes, recordingLinkRoutes } from '../miniapp-api/routes/telephony/recordings.routes.js';
import { routingRulesRoutes } from '../miniapp-api/routes/telephony/routing-rules.routes.js';
import { salesStatusRoutes } from '../miniapp-api/routes/telephony/sales-status.routes.js';
import { createTelephony, type TelephonyDoor } from '../telephony/telephony-door.js';
import type { Capability, Platform } from './capability.js';
import type { LiveCalls } from '../domain/calls/live-calls.js';

export type TelephonyCapability = Capability & {
  /** The model, transcriber and speech service the call-task jobs share with the 400 analysis. */
  analysis: { model: LanguageModel; transcriber: Transcriber; speech: SpeechSynthesizer | undefined };
  /** FreeSWITCH originate when telephony is configured (outreach's voice override), else undefined. */
  voice: VoiceGateway | undefined;
  door: TelephonyDoor | undefined;
};

const notConfiguredModel: LanguageModel = { complete: async () => ({ ok: false, code: 'NOT_CONFIGURED', message: 'OPENAI_BASE_URL / OPENAI_API_KEY not set' }) };
const notConfiguredTranscriber: Transcriber = { transcribe: async () => ({ ok: false, code: 'NOT_CONFIGURED', message: 'TRANSCRIBE_BASE_URL / OPENAI_* not set' }) };

/**
 * The telephony capability: the sales-status, routing and recording routes and the post-call jobs
 * always; the FreeSWITCH door (connected in start()) only when FREESWITCH_ESL_HOST is set.
 */
export function wire(platform: Platform, extra: { liveCalls?: LiveCalls; onCallRecorded?: () => void; onTaskProgress?: (taskId: number) => void } = {}): TelephonyCapability {
  const { config, logger, fork, notifier } = platform;
  const model = platform.languageModel ?? notConfiguredModel;
  const transcriber = config.model.transcription ? createOpenAiTranscriber(config.model.transcription) : notConfiguredTranscriber;
  const speech = config.model.speech ? createOpenAiSpeech(config.model.speech) : undefined;
  const jobDeps = { fork, model, transcriber, notifier, timeZone: config.businessTimeZone };
  const recordings = { secret: config.auth.appSecret, recordingsDir: config.recordings.dir };
  const door = config.telephony
    ? createTelephony({ config: config.telephony, fork, logger, notifier, jobs: platform.jobs, timeZone: config.businessTimeZone, liveCalls: extra.liveCalls, onCallRecorded: extra.onCallRecorded, onTaskProgress: extra.onTaskProgress, speech, agentSeconds: config.callTasks.agentSeconds, clock: platform.clock, handledBy: config.jobs.workerName ?? `${hostname()}:${process.pid}` })
    : undefined;
  if (door) {
    platform.metrics.sources.eslConnected = () => door.events.connected();
    platform.metrics.sources.eslConnects = () => door.events.stats.connects;
    platform.metrics.sources.callsInFlight = () => door.callsInFlight();
  }
  return {
    name: 'telephony',
    analysis: { model, transcriber, speech },
    routes: {
      staff: [salesStatusRoutes(), routingRulesRoutes(), recordingLinkRoutes(recordings)],
      public: [recordingDownloadRoutes(recordings)],
    },
    jobs: [callAnalysisJob(jobDeps), voicemailJob(jobDeps), callSweepJob({ fork, jobs: platform.jobs, notifier, timeZone: config.businessTimeZone })],
    schedules: [{ job: CALL_SWEEP_JOB, every: CALL_SWEEP_EVERY }],
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
