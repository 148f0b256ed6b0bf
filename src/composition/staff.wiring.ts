import { auditRoutes } from '../miniapp-api/routes/audit.routes.js';
import { jobsRoutes, type JobsView } from '../miniapp-api/routes/jobs.routes.js';
import { meRoutes } from '../miniapp-api/routes/me.routes.js';
import { staffRoutes } from '../miniapp-api/routes/staff.routes.js';
import type { Capability, Platform } from './capability.js';

/** Staff and operations: who am I, the staff list, the audit trail and the job list. */
export function wire(_platform: Platform, options: { jobs: JobsView }): Capability {
  return {
    name: 'staff',
    routes: { staff: [meRoutes(), staffRoutes(), auditRoutes(), jobsRoutes(options.jobs)] },
  };
}
