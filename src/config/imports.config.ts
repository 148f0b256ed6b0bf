import { z } from 'zod';
import { defineSection } from './config-section.js';

/** Bulk import of CSV/XLSX files: the largest upload accepted and the rows written per batch. */
export const importsSection = defineSection({
  shape: {
    IMPORT_MAX_MB: z.coerce.number().int().min(1).max(2048).default(200),
    IMPORT_BATCH_SIZE: z.coerce.number().int().min(1).max(5000).default(1000),
  },
  build: (e) => ({ maxBytes: e.IMPORT_MAX_MB * 1024 * 1024, batchSize: e.IMPORT_BATCH_SIZE }),
});
