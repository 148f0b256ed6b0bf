import type { Router } from '@koa/router';
import type { Config } from '../config.js';
import type { Orm } from '../db/orm.js';
import type { JobQueue } from '../domain/ports/job-queue.port.js';
import type { JobDefinition } from '../jobs/job-registry.js';
import type { AppState } from '../miniapp-api/http/request-context.js';
import { consentRoutes } from '../miniapp-api/routes/team-data/consents.routes.js';

export type DataWiring = { name: 'data'; routes: { staff: Router<AppState>[] }; jobs: JobDefinition<any>[] };

/** A team's own data in: consents (the ledger in src/domain/compliance). */
export function wireData(_ctx: { config: Config; orm: Orm; jobQueue: JobQueue }): DataWiring {
  return { name: 'data', routes: { staff: [consentRoutes()] }, jobs: [] };
}
