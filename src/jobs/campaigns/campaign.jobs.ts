import type { EntityManager } from '@mikro-orm/core';
import { z } from 'zod';
import { CAMPAIGN_LAUNCH_JOB, launchCampaign, type LaunchDeps } from '../../domain/campaigns/campaign-launch.service.js';
import { refreshRunningCampaigns } from '../../domain/campaigns/campaign-tracking.service.js';
import type { JobDefinition } from '../job-registry.js';

export const CAMPAIGN_TRACK_JOB = 'campaign.track';
/** Tracking is at most a minute behind a receipt or a visit (seed §5.2). */
export const CAMPAIGN_TRACK_EVERY = '1 minute';

const launchData = z.object({ campaignId: z.string().min(1).max(50) });

/** Launch of an approved campaign (queued by the approval) and the minutely tracking refresh. */
export function campaignJobs(newEm: () => EntityManager, deps: LaunchDeps & { smsCostFen: number }): JobDefinition<any>[] {
  const launch: JobDefinition<z.output<typeof launchData>> = {
    name: CAMPAIGN_LAUNCH_JOB,
    parse: (data) => launchData.parse(data),
    run: async ({ campaignId }) => {
      await launchCampaign(newEm, deps, campaignId);
    },
  };
  const track: JobDefinition<Record<string, never>> = {
    name: CAMPAIGN_TRACK_JOB,
    parse: () => ({}),
    backoff: null,
    run: async () => {
      await refreshRunningCampaigns(newEm, { clock: deps.clock, smsCostFen: deps.smsCostFen });
    },
  };
  return [launch, track];
}
