import { CAMPAIGN_TRACK_EVERY, CAMPAIGN_TRACK_JOB, campaignJobs } from '../jobs/campaigns/campaign.jobs.js';
import { campaignRoutes } from '../miniapp-api/routes/customer/campaign.routes.js';
import { offerRoutes } from '../miniapp-api/routes/customer/offer.routes.js';
import type { Capability, Platform } from './capability.js';

/**
 * Segment campaigns: generation and approval routes, the launch job the approval queues (holdout, then the
 * channel mix: SMS batch, invitations, WeCom notes to owners), the minutely tracking refresh, performance, and the public offer-link routes.
 * Offer links are signed with APP_SECRET.
 */
export function wire(platform: Platform): Capability {
  const settings = platform.config.campaigns;
  const linkSecret = platform.config.auth.appSecret;
  return {
    name: 'campaigns',
    routes: {
      staff: [campaignRoutes({ clock: platform.clock, model: platform.languageModel, approvals: platform.approvals, notifier: () => platform.notifier, settings })],
      public: [offerRoutes({ linkSecret, clock: platform.clock })],
    },
    jobs: campaignJobs(platform.fork, {
      clock: platform.clock,
      jobs: platform.jobs,
      linkSecret,
      linkBase: settings.linkBase,
      smsCostFen: settings.smsCostFen,
      compliance: { timeZone: platform.config.businessTimeZone, window: platform.config.outreach.marketingWindow },
      notifier: () => platform.notifier,
    }),
    schedules: [{ job: CAMPAIGN_TRACK_JOB, every: CAMPAIGN_TRACK_EVERY }],
  };
}
