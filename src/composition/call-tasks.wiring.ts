import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import type { CallTaskDeps } from '../domain/call-tasks/call-task-deps.js';
import type { DiallerDeps } from '../domain/call-tasks/dialler.js';
import { LineBook } from '../domain/call-tasks/line-book.js';
import { TaskLeases } from '../domain/call-tasks/task-lease.js';
import type { SwitchPort } from '../domain/ports/switch.port.js';
import { GatewayLineSchema } from '../domain/voice-gateways/gateway-line.entity.js';
import { normalizePhone } from '../domain/shared/phone.js';
import { callTaskJob, callTaskWatchJob } from '../jobs/call-task.job.js';
import { callTaskAfterCallJob, callTaskPromptsJob } from '../jobs/call-task-after-call.job.js';
import type { LanguageModel } from '../domain/ports/language-model.port.js';
import type { SpeechSynthesizer } from '../domain/ports/speech-synthesizer.port.js';
import type { Transcriber } from '../domain/ports/transcriber.port.js';
import { callTaskRoutes } from '../miniapp-api/routes/lead-generation/call-tasks.routes.js';
import type { Capability, Platform } from './capability.js';

export type CallTasksCapability = Capability & { deps: CallTaskDeps; dialler: () => DiallerDeps; lines: LineBook };

/** The gateway device a task call left through (the dialler's `salesops_device_id`), if any. */
function deviceOf(vars: Record<string, string>): number | null {
  const id = Number(vars['salesops_device_id']);
  return Number.isInteger(id) && id > 0 ? id : null;
}

/** Our caller ids: CALL_TASK_CALLER_IDS, FREESWITCH_CALLER_ID and every gateway line's number. */
function fallbackCallerId(platform: Omit<Platform, 'notifier'>): string | null {
  const configured = platform.config.telephony?.callerId;
  return configured ? (normalizePhone(configured)?.e164 ?? null) : null;
}

/**
 * The call-task service's deps, built before the chat capability (`外呼` runs the same service as the
 * seed-004 API); needs nothing the chat capability provides.
 */
export function serviceDeps(platform: Omit<Platform, 'notifier'>): CallTaskDeps {
  const fallback = fallbackCallerId(platform);
  const configured = [...platform.config.callTasks.callerIds, ...(fallback ? [fallback] : [])];
  return {
    jobs: platform.jobs,
    clock: platform.clock,
    recordingSecret: platform.config.auth.appSecret,
    async callerIds() {
      const lines = await platform.fork().find(GatewayLineSchema, { number: { $ne: null } }, { fields: ['number'] });
      return [...new Set([...configured, ...lines.map((l) => l.number!)])];
    },
  };
}

/**
 * Call tasks (seed 004): the eight routes and the dialler job over the one call-task service; the dialler
 * dials through the telephony door's switch port (none: a running task waits, then FAILs after 10 minutes).
 */
export function wire(
  platform: Platform,
  options: {
    deps: CallTaskDeps;
    switch: SwitchPort | undefined;
    /** Where the switch hands an answered task call: our outbound-socket server (host:port), once listening. */
    socketAddress?: () => string | undefined;
    analysis: { model: LanguageModel; transcriber: Transcriber; speech: SpeechSynthesizer | undefined };
  },
): CallTasksCapability {
  const { config } = platform;
  const lines = new LineBook(config.callTasks.cps);
  // Every process hears every task call's hangup: a line of its device is free, here or in another process.
  options.switch?.onCallEnded((ended) => lines.ended(ended.callId, deviceOf(ended.vars)));
  // One dialler per task across the deployment's processes; named like the job worker when it has a name.
  const leases = new TaskLeases(config.jobs.workerName ?? `${hostname()}:${process.pid}:${randomBytes(3).toString('hex')}`, config.callTasks.leaseSeconds * 1000);
  const log = platform.logger.child({ component: 'dialler' });
  const defaultCallerId = fallbackCallerId(platform);
  const dialler = (): DiallerDeps => ({
    fork: platform.fork,
    switch: options.switch,
    lines,
    leases,
    clock: platform.clock,
    compliance: { timeZone: config.businessTimeZone, window: config.outreach.marketingWindow },
    jobs: platform.jobs,
    notifier: platform.notifier,
    ringSeconds: config.callTasks.ringSeconds,
    claimAhead: config.callTasks.claimAhead,
    defaultCallerId,
    // The answered callee goes to our outbound socket (the task-call flow): no dialplan extension needed.
    destination: () => `&socket(${options.socketAddress?.() ?? '127.0.0.1:8084'} async full)`,
    log: (fields, message) => log.info(fields, message),
  });
  return {
    name: 'call-tasks',
    routes: { staff: [callTaskRoutes(options.deps)] },
    jobs: [
      callTaskJob(dialler),
      callTaskWatchJob(dialler),
      callTaskAfterCallJob({ fork: platform.fork, notifier: platform.notifier, transcriber: options.analysis.transcriber, model: options.analysis.model, timeZone: config.businessTimeZone, now: () => platform.clock.now() }),
      callTaskPromptsJob({ fork: platform.fork, speech: options.analysis.speech, recordingsDir: config.recordings.dir, log: (fields, message) => log.info(fields, message) }),
    ],
    deps: options.deps,
    dialler,
    lines,
  };
}
