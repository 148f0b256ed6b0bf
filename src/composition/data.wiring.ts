import { spreadsheetReader } from '../gateways/spreadsheet/spreadsheet-reader.js';
import { importJob } from '../jobs/imports/import.job.js';
import { consentRoutes } from '../miniapp-api/routes/team-data/consents.routes.js';
import { importRoutes } from '../miniapp-api/routes/team-data/imports.routes.js';
import type { Capability, Platform } from './capability.js';

/**
 * A team's own data in: consents (the ledger in src/domain/compliance) and bulk imports of CSV/XLSX
 * files (uploaded to DATA_DIR/imports, run by the `imports.run` job with the spreadsheet reader).
 */
export function wire(platform: Platform): Capability {
  const { config } = platform;
  const settings = { timeZone: config.businessTimeZone, batchSize: config.imports.batchSize };
  return {
    name: 'data',
    routes: { staff: [consentRoutes(), importRoutes({ dataDir: config.dataDir, maxBytes: config.imports.maxBytes, jobs: platform.jobs })] },
    jobs: [importJob(platform.fork, spreadsheetReader, settings)],
  };
}
