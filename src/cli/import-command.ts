import { resolve, basename } from 'node:path';
import { stat } from 'node:fs/promises';
import type { EntityManager } from '@mikro-orm/core';
import { IMPORT_KINDS, ImportErrorSchema, ImportSchema, type ImportKind } from '../domain/imports/import.entity.js';
import { createImport, errorsCsv, importView, runImport, sheetFormatOf, type ImportSettings } from '../domain/imports/import.service.js';
import { DomainError } from '../domain/shared/domain-error.js';
import type { SheetEncoding } from '../domain/ports/spreadsheet.port.js';
import { UsageError } from './usage-error.js';
import { spreadsheetReader } from '../gateways/spreadsheet/spreadsheet-reader.js';


/** How many rejected rows the summary lists before pointing at the full list. */
const SHOWN_ERRORS = 10;

/**
 * `import <kind> <file>`: the same import service as POST /api/imports, run in this process on a file on
 * disk (the file is read, never moved or deleted). Progress goes to stderr every 10 %; the answer (stdout)
 * is the summary: counts, the first rejected rows, and where the rest are.
 */
export async function importCommand(
  em: EntityManager,
  settings: ImportSettings,
  args: { kind?: string; file?: string; encoding?: string },
  progress: (line: string) => void,
): Promise<{ ok: boolean; text: string }> {
  const kind = args.kind as ImportKind;
  if (!IMPORT_KINDS.includes(kind)) throw new UsageError(`import: the kind must be one of ${IMPORT_KINDS.join(', ')}`);
  if (!args.file) throw new UsageError('import: the file to import is missing');
  const encoding = (args.encoding ?? 'auto') as SheetEncoding;
  if (!['auto', 'utf8', 'gbk'].includes(encoding)) throw new UsageError('import: --encoding is auto, utf8 or gbk');
  const path = resolve(args.file);
  const format = sheetFormatOf(path);
  if (typeof format === 'object') throw new UsageError(`import: ${format.error}`);
  const file = await stat(path).catch(() => null);
  if (!file?.isFile()) throw new UsageError(`import: no such file ${path}`);

  const job = await createImport(em, null, { kind, fileName: basename(path), format, encoding, storedPath: path });
  progress(`import #${job.id}: ${kind} from ${basename(path)}`);
  let step = 0;
  const ended = importView(
    await runImport(em, spreadsheetReader, job.id, settings, (p) => {
      if (Math.floor(p.progress / 10) <= step) return;
      step = Math.floor(p.progress / 10);
      progress(`  ${String(p.progress).padStart(3)}%  ${p.processed} rows: ${p.created} created, ${p.updated} updated, ${p.unchanged} unchanged, ${p.rejected} rejected`);
    }),
  );
  const lines = [
    `import #${ended.id} ${ended.kind} ${ended.fileName}: ${ended.status}${ended.encoding !== 'auto' && ended.format === 'csv' ? ` (${ended.encoding})` : ''}`,
    `processed ${ended.processed}, created ${ended.created}, updated ${ended.updated}, unchanged ${ended.unchanged}, rejected ${ended.rejected}`,
  ];
  if (ended.error) lines.push(`error: ${ended.error}`);
  if (ended.ignoredColumns.length) lines.push(`ignored columns: ${ended.ignoredColumns.join(', ')}`);
  if (ended.rejected > 0) {
    const first = await em.find(ImportErrorSchema, { importJob: ended.id }, { orderBy: { line: 'asc', id: 'asc' }, limit: SHOWN_ERRORS, disableIdentityMap: true });
    lines.push(`rejected rows (first ${first.length}; all of them: npm run -s cli -- import:errors ${ended.id} > errors.csv, or GET /api/imports/${ended.id}/errors.csv):`);
    for (const e of first) lines.push(`  line ${e.line}  ${e.field}  ${e.value ?? ''}  ${e.reason}`);
  }
  return { ok: ended.status === 'completed', text: lines.join('\n') };
}

/** `import:errors <id>`: every rejected row of an import as the CSV the API downloads. */
export async function importErrorsCommand(em: EntityManager, id: string | undefined, write: (chunk: string) => void): Promise<void> {
  const n = Number(id);
  if (!Number.isInteger(n) || n <= 0) throw new UsageError('import:errors: the import id is missing');
  if (!(await em.count(ImportSchema, { id: n }))) throw new DomainError('IMPORT_NOT_FOUND', `导入任务 ${n} 不存在`);
  for await (const chunk of errorsCsv(em, n)) write(chunk);
}
