import type { EntityManager } from '@mikro-orm/core';
import { reviewTiers, type TierReviewDeps } from '../../domain/tiers/tier-review.service.js';
import type { JobDefinition } from '../job-registry.js';

export const TIER_REVIEW_JOB = 'customer.tier-review';
/** 03:30 every day in BUSINESS_TZ, after the 02:00 behaviour recompute has rated churn risk. */
export const TIER_REVIEW_CRON = '30 3 * * *';

/** The nightly tier review: upgrades every eligible member, anniversary downgrades (one tier at most). */
export function tierReviewJob(newEm: () => EntityManager, deps: TierReviewDeps): JobDefinition<Record<string, never>> {
  return {
    name: TIER_REVIEW_JOB,
    parse: () => ({}),
    lockLifetimeMs: 10 * 60_000,
    run: async (_data, job) => {
      await reviewTiers(newEm, deps, async () => {
        await job.touch();
      });
    },
  };
}
