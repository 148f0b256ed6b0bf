import { unlink } from 'node:fs/promises';
import type { EntityManager } from '@mikro-orm/core';
import { z } from 'zod';
import { IMPORT_JOB } from '../../domain/imports/import-queue.js';
import { ImportSchema } from '../../domain/imports/import.entity.js';
import { runImport, type ImportSettings } from '../../domain/imports/import.service.js';
import type { SpreadsheetReader } from '../../domain/ports/spreadsheet.port.js';
import type { JobDefinition } from '../job-registry.js';

/**
 * Runs one bulk import (POST /api/imports); a long file keeps its lock by touching the job after each
 * batch. The uploaded file is deleted once the import has ended (completed or failed); a run cut short
 * (the process stopped) keeps it, so the retried job reads it again.
 */
export function importJob(
  newEm: () => EntityManager,
  reader: SpreadsheetReader,
  settings: ImportSettings,
  /** The import started, stored a batch or ended (the live board's progress bars). */
  progressed: (importId: number) => void = () => {},
): JobDefinition<{ importId: number }> {
  return {
    name: IMPORT_JOB,
    parse: (d) => z.object({ importId: z.number().int().positive() }).parse(d),
    concurrency: 1,
    lockLifetimeMs: 5 * 60_000,
    run: async (data, job) => {
      const em = newEm();
      const upload = (await em.findOne(ImportSchema, { id: data.importId }, { fields: ['storedPath'], disableIdentityMap: true }))?.storedPath;
      const ended = await runImport(em, reader, data.importId, settings, () => {
        void job.touch();
        progressed(data.importId);
      });
      progressed(data.importId);
      if (upload && (ended.status === 'completed' || ended.status === 'failed')) await unlink(upload).catch(() => undefined);
    },
  };
}
