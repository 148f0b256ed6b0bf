import type { EntityManager } from '@mikro-orm/core';
import type { Actor } from '../auth/actor.js';
import type { JobQueue } from '../ports/job-queue.port.js';
import type { SheetEncoding, SheetFormat } from '../ports/spreadsheet.port.js';
import type { ImportKind } from './import.entity.js';
import { createImport, importView } from './import.service.js';

export const IMPORT_JOB = 'imports.run';

/** Registers a stored upload as an import and queues its job; answers the import as its status page shows it. */
export async function queueImport(
  em: EntityManager,
  jobs: JobQueue,
  actor: Actor,
  input: { kind: ImportKind; fileName: string; format: SheetFormat; encoding: SheetEncoding; storedPath: string },
) {
  const job = await createImport(em, actor, input);
  await jobs.enqueue(IMPORT_JOB, { importId: job.id }, { uniqueKey: `import:${job.id}` });
  return importView(job);
}
