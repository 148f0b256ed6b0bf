import type { Router } from '@koa/router';
import type { Config } from '../config.js';
import type { Orm } from '../db/orm.js';
import type { Clock } from '../domain/ports/clock.port.js';
import type { Notifier } from '../domain/ports/notifier.port.js';
import type { JobDefinition } from '../jobs/job-registry.js';
import { TIER_REVIEW_CRON, TIER_REVIEW_JOB, tierReviewJob } from '../jobs/tiers/tier-review.job.js';
import type { AppState } from '../miniapp-api/http/request-context.js';
import { upgradeRoutes } from '../miniapp-api/routes/customer/upgrade.routes.js';

/** Membership tiers: the evaluate/execute routes and the nightly review (upgrades; anniversary downgrades). */
export function wireTiers(ctx: { config: Config; orm: Orm; clock: Clock; notifier: () => Notifier }): {
  staffRouters: Router<AppState>[];
  jobs: JobDefinition<any>[];
  schedules: Array<{ job: string; every: string; timezone?: string }>;
} {
  const deps = { clock: ctx.clock, notifier: ctx.notifier };
  return {
    staffRouters: [upgradeRoutes(deps)],
    jobs: [tierReviewJob(() => ctx.orm.em.fork(), { ...deps, timeZone: ctx.config.businessTimeZone })],
    schedules: [{ job: TIER_REVIEW_JOB, every: TIER_REVIEW_CRON, timezone: ctx.config.businessTimeZone }],
  };
}
