import { TIER_REVIEW_CRON, TIER_REVIEW_JOB, tierReviewJob } from '../jobs/tiers/tier-review.job.js';
import { upgradeRoutes } from '../miniapp-api/routes/customer/upgrade.routes.js';
import type { Capability, Platform } from './capability.js';

/** Membership tiers: the evaluate/execute routes and the nightly review (upgrades; anniversary downgrades). */
export function wire(platform: Platform): Capability {
  const deps = { clock: platform.clock, notifier: () => platform.notifier };
  const timezone = platform.config.businessTimeZone;
  return {
    name: 'tiers',
    routes: { staff: [upgradeRoutes(deps)] },
    jobs: [tierReviewJob(platform.fork, { ...deps, timeZone: timezone })],
    schedules: [{ job: TIER_REVIEW_JOB, every: TIER_REVIEW_CRON, timezone }],
  };
}
