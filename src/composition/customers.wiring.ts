import { BEHAVIOR_CRON, BEHAVIOR_JOB } from '../domain/customers/behavior-run.service.js';
import { behaviorJob } from '../jobs/customers/behavior.job.js';
import { customerIntelligenceRoutes } from '../miniapp-api/routes/customers/customer-intelligence.routes.js';
import type { Capability, Platform } from './capability.js';

/**
 * Customer intelligence: behaviour, RFM segments and tags recomputed in SQL by the nightly job (02:00
 * BUSINESS_TZ) or on demand, and the segment and tag routes.
 */
export function wire(platform: Platform): Capability {
  const { config, clock } = platform;
  const deps = { clock, timeZone: config.businessTimeZone, chunkSize: config.customers.behaviorChunkSize };
  return {
    name: 'customers',
    routes: { staff: [customerIntelligenceRoutes({ ...deps, jobs: platform.jobs })] },
    jobs: [behaviorJob(platform.fork, deps)],
    schedules: [{ job: BEHAVIOR_JOB, every: BEHAVIOR_CRON, timezone: config.businessTimeZone }],
  };
}
