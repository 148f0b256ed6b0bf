import type { Router } from '@koa/router';
import type { AppState } from '../miniapp-api/http/request-context.js';
import type { JobDefinition } from '../jobs/job-registry.js';
import { consentRoutes } from '../miniapp-api/routes/data/consents.routes.js';

export type DataWiring = { name: 'data'; routes: { staff: Router<AppState>[] }; jobs: JobDefinition<any>[] };

/** A team's own data by API: consents (the ledger in src/domain/compliance). */
export function wireData(): DataWiring {
  return { name: 'data', routes: { staff: [consentRoutes()] }, jobs: [] };
}
