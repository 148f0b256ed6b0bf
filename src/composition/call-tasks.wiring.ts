import type { Router } from '@koa/router';
import type { Config } from '../config.js';
import type { Orm } from '../db/orm.js';
import type { CallTaskDeps } from '../domain/call-tasks/call-task-deps.js';
import type { DiallerDeps } from '../domain/call-tasks/dialler.js';
import { LineBook } from '../domain/call-tasks/line-book.js';
import { systemClock } from '../domain/ports/clock.port.js';
import type { JobQueue } from '../domain/ports/job-queue.port.js';
import type { Notifier } from '../domain/ports/notifier.port.js';
import type { SwitchPort } from '../domain/ports/switch.port.js';
import { GatewayLineSchema } from '../domain/voice-gateways/gateway-line.entity.js';
import { normalizePhone } from '../domain/shared/phone.js';
import { callTaskJob } from '../jobs/call-task.job.js';
import type { JobDefinition } from '../jobs/job-registry.js';
import type { Logger } from '../logging/logger.js';
import type { AppState } from '../miniapp-api/http/request-context.js';
import { callTaskRoutes } from '../miniapp-api/routes/lead-generation/call-tasks.routes.js';

export type CallTasksWiring = { deps: CallTaskDeps; dialler: () => DiallerDeps; lines: LineBook; jobs: JobDefinition<any>[]; staffRouters: Router<AppState>[] };

/**
 * Call tasks' part of the composition root: the seed-004 routes and the dialler job over the one call-task
 * service; the dialler dials through the telephony door's switch port (none: tasks wait, then FAIL).
 */
export function wireCallTasks(ctx: { config: Config; orm: Orm; jobQueue: JobQueue; logger: Logger; notifier: () => Notifier; switch: SwitchPort | undefined }): CallTasksWiring {
  const { config, orm } = ctx;
  const fallbackCallerId = config.telephony?.callerId ? (normalizePhone(config.telephony.callerId)?.e164 ?? null) : null;
  const configured = [...config.callTasks.callerIds, ...(fallbackCallerId ? [fallbackCallerId] : [])];
  const deps: CallTaskDeps = {
    jobs: ctx.jobQueue,
    clock: systemClock,
    recordingSecret: config.auth.appSecret,
    async callerIds() {
      const lines = await orm.em.fork().find(GatewayLineSchema, { number: { $ne: null } }, { fields: ['number'] });
      return [...new Set([...configured, ...lines.map((l) => l.number!)])];
    },
  };
  const lines = new LineBook(config.callTasks.cps);
  ctx.switch?.onCallEnded((ended) => lines.release(ended.callId));
  const log = ctx.logger.child({ component: 'dialler' });
  const dialler = (): DiallerDeps => ({
    fork: () => orm.em.fork(),
    switch: ctx.switch,
    lines,
    clock: systemClock,
    compliance: { timeZone: config.businessTimeZone, window: config.outreach.marketingWindow },
    jobs: ctx.jobQueue,
    notifier: ctx.notifier(),
    ringSeconds: config.callTasks.ringSeconds,
    defaultCallerId: fallbackCallerId,
    destination: (task) => `call_task_${task.mode} XML salesops`,
    log: (fields, message) => log.info(fields, message),
  });
  return { deps, dialler, lines, jobs: [callTaskJob(dialler)], staffRouters: [callTaskRoutes(deps)] };
}
