import { spreadsheetReader } from '../gateways/spreadsheet/spreadsheet-reader.js';
import { importJob } from '../jobs/imports/import.job.js';
import { customerRoutes } from '../miniapp-api/routes/team-data/customers.routes.js';
import { eventRoutes } from '../miniapp-api/routes/team-data/events.routes.js';
import { memberRoutes } from '../miniapp-api/routes/team-data/members.routes.js';
import { consentRoutes } from '../miniapp-api/routes/team-data/consents.routes.js';
import { importRoutes } from '../miniapp-api/routes/team-data/imports.routes.js';
import type { ProgressPulse } from '../domain/board/progress-pulse.js';
import type { Capability, Platform } from './capability.js';

/**
 * A team's own data in: customers with their contacts (src/domain/customers), events, members, consents (the ledger in src/domain/compliance) and bulk imports of CSV/XLSX
 * files (uploaded to DATA_DIR/imports, run by the `imports.run` job with the spreadsheet reader).
 */
export function wire(platform: Platform, options: { progress?: ProgressPulse } = {}): Capability {
  const { config } = platform;
  const settings = { timeZone: config.businessTimeZone, batchSize: config.imports.batchSize };
  return {
    name: 'data',
    routes: { staff: [customerRoutes(), eventRoutes(), memberRoutes(), consentRoutes(), importRoutes({ dataDir: config.dataDir, maxBytes: config.imports.maxBytes, jobs: platform.jobs })] },
    jobs: [importJob(platform.fork, spreadsheetReader, settings, (id) => options.progress?.progressed('import', id))],
  };
}
