import type { Router } from '@koa/router';
import type { Config } from '../config.js';
import type { Orm } from '../db/orm.js';
import type { CallTaskDeps } from '../domain/call-tasks/call-task-deps.js';
import { systemClock } from '../domain/ports/clock.port.js';
import type { JobQueue } from '../domain/ports/job-queue.port.js';
import { GatewayLineSchema } from '../domain/voice-gateways/gateway-line.entity.js';
import { normalizePhone } from '../domain/shared/phone.js';
import type { AppState } from '../miniapp-api/http/request-context.js';
import { callTaskRoutes } from '../miniapp-api/routes/lead-generation/call-tasks.routes.js';

export type CallTasksWiring = { deps: CallTaskDeps; staffRouters: Router<AppState>[] };

/** Call tasks' part of the composition root: the seed-004 routes over the one call-task service. */
export function wireCallTasks(ctx: { config: Config; orm: Orm; jobQueue: JobQueue }): CallTasksWiring {
  const { config, orm } = ctx;
  const configured = [...config.callTasks.callerIds, ...(config.telephony?.callerId ? [normalizePhone(config.telephony.callerId)?.e164 ?? ''] : [])].filter(Boolean);
  const deps: CallTaskDeps = {
    jobs: ctx.jobQueue,
    clock: systemClock,
    recordingSecret: config.auth.appSecret,
    async callerIds() {
      const lines = await orm.em.fork().find(GatewayLineSchema, { number: { $ne: null } }, { fields: ['number'] });
      return [...new Set([...configured, ...lines.map((l) => l.number!)])];
    },
  };
  return { deps, staffRouters: [callTaskRoutes(deps)] };
}
