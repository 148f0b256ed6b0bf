import type { EntityManager } from '@mikro-orm/core';
import { recordAudit } from '../audit/audit.service.js';
import { authorize, type Actor } from '../auth/actor.js';
import { auditedBy } from '../auth/staff-actor.js';
import type { Cell, SheetEncoding, SheetFormat, SpreadsheetReader } from '../ports/spreadsheet.port.js';
import { csvLine } from '../shared/csv-cell.js';
import { DomainError } from '../shared/domain-error.js';
import { normalizePhone } from '../shared/phone.js';
import { StaffSchema } from '../staff/staff.entity.js';
import { isError, shownValue, text } from './cell-values.js';
import { consentsImporter } from './consents.importer.js';
import { customersImporter } from './customers.importer.js';
import { eventsImporter } from './events.importer.js';
import { ImportErrorSchema, ImportSchema, type Import, type ImportKind } from './import.entity.js';
import { headerKey, type BatchOutcome, type Column, type ImportContext, type Importer, type ParsedRow, type RowIssue } from './importer.js';
import { membersImporter } from './members.importer.js';
import { visitsImporter } from './visits.importer.js';

export type ImportSettings = { timeZone: string; batchSize: number };

export function importerFor(kind: ImportKind, timeZone: string): Importer {
  const make = { customers: customersImporter, members: membersImporter, visits: visitsImporter, consents: consentsImporter, events: eventsImporter }[kind];
  return make(timeZone);
}

/** The format of a spreadsheet file by its name: .csv/.txt or .xlsx; anything else with the Chinese reason. */
export function sheetFormatOf(fileName: string): SheetFormat | { error: string } {
  const name = fileName.toLowerCase();
  if (name.endsWith('.xlsx')) return 'xlsx';
  if (name.endsWith('.csv') || name.endsWith('.txt')) return 'csv';
  if (name.endsWith('.xls')) return { error: '不支持旧版 .xls，请在 Excel 中另存为 .xlsx 或 CSV' };
  return { error: '只接受 .csv 或 .xlsx 文件' };
}

/**
 * Registers a file as a queued import: an upload (the caller queues its job) or, with no actor, a file
 * the operator CLI imports from disk (audited as channel cli).
 */
export async function createImport(
  em: EntityManager,
  actor: Actor | null,
  input: { kind: ImportKind; fileName: string; format: SheetFormat; encoding: SheetEncoding; storedPath: string },
): Promise<Import> {
  if (actor) authorize(actor, 'import:run', '批量导入');
  const job = em.create(ImportSchema, { ...input, ignoredColumns: [], fileName: input.fileName.slice(0, 255), createdBy: actor?.staffId ?? null });
  await em.flush();
  const by = actor ? auditedBy(actor) : { actorStaffId: null, channel: 'cli' as const };
  recordAudit(em, { ...by, action: 'import.create', targetType: 'import', targetId: job.id, details: { kind: input.kind, fileName: job.fileName } });
  await em.flush();
  return job;
}

type Progress = Pick<Import, 'processed' | 'created' | 'updated' | 'unchanged' | 'rejected' | 'progress'>;

/**
 * Runs one import from start to end: the header row is mapped to the kind's fields (Chinese or English
 * headers), then the rows stream through in batches — each cell parsed, a row with a bad field rejected
 * with every reason (its line, field, value masked), the valid rows upserted by the kind's stable key in
 * one transaction per batch, with the batch's progress and rejected rows. A batch the database refuses is
 * tried again, then row by row, so one bad row never stops the rest. Running it again (a retried job) starts over:
 * the upserts make a second pass change nothing.
 */
export async function runImport(em: EntityManager, reader: SpreadsheetReader, importId: number, settings: ImportSettings, onProgress?: (p: Progress) => void): Promise<Import> {
  const job = await em.findOne(ImportSchema, { id: importId }, { disableIdentityMap: true });
  if (!job) throw new DomainError('IMPORT_NOT_FOUND', `导入任务 ${importId} 不存在`);
  if (job.status === 'completed' || job.status === 'failed') return job;
  if (!job.storedPath) return finish(em, job, 'failed', '上传的文件已不存在');
  await em.nativeDelete(ImportErrorSchema, { importJob: importId });
  const totals: Progress = { processed: 0, created: 0, updated: 0, unchanged: 0, rejected: 0, progress: 0 };
  await em.nativeUpdate(ImportSchema, { id: importId }, { ...totals, status: 'running', startedAt: new Date(), error: null });

  const importer = importerFor(job.kind, settings.timeZone);
  const ctx: ImportContext = { importId, fileName: job.fileName, timeZone: settings.timeZone, now: new Date(), staff: await staffDirectory(em) };
  let source;
  try {
    source = await reader.open(job.storedPath, job.format, job.encoding as SheetEncoding);
  } catch (err) {
    return finish(em, job, 'failed', `文件无法读取：${(err as Error).message}`.slice(0, 500));
  }
  let mapping: Array<Column | null> | undefined;
  let batch: ParsedRow[] = [];
  let issues: RowIssue[] = [];
  const flush = async (rows: ParsedRow[], parseIssues: RowIssue[]) => {
    const parseRejected = new Set(parseIssues.map((i) => i.line)).size;
    let next = totals;
    // Written in the batch's own transaction: the counts and the rejected rows never disagree with the data.
    const record = async (tx: EntityManager, outcome: BatchOutcome) => {
      const rejectedRows = [...parseIssues, ...outcome.rejected];
      next = {
        processed: totals.processed + rows.length + parseRejected,
        created: totals.created + outcome.created,
        updated: totals.updated + outcome.updated,
        unchanged: totals.unchanged + outcome.unchanged,
        rejected: totals.rejected + parseRejected + new Set(outcome.rejected.map((i) => i.line)).size,
        progress: Math.min(99, Math.floor(source!.fraction() * 100)),
      };
      if (rejectedRows.length) await tx.insertMany(ImportErrorSchema, rejectedRows.map((i) => ({ importJob: importId, line: i.line, field: i.field, value: i.value == null ? null : (shownValue(i.value, false)?.slice(0, 120) ?? null), reason: i.reason.slice(0, 255) })) as never[]);
      await tx.nativeUpdate(ImportSchema, { id: importId }, { ...next });
    };
    await applyBatch(em, importer, rows, ctx, record);
    Object.assign(totals, next);
    onProgress?.({ ...totals });
  };
  // While a batch is written the next one is read and parsed (one batch in flight: a row of the next batch
  // naming a customer of this one is applied after this one commits).
  let writing: Promise<void> = Promise.resolve();
  let writeFailed: unknown = null;
  const handOver = async () => {
    await writing;
    if (writeFailed) throw writeFailed;
    writing = flush(batch, issues).catch((err: unknown) => void (writeFailed = err));
    batch = [];
    issues = [];
  };
  try {
    for await (const { line, cells } of source.rows) {
      if (cells.every((c) => text(c) === '')) continue;
      if (!mapping) {
        mapping = mapHeader(cells, importer.columns);
        const missing = importer.columns.filter((c) => c.required && !mapping!.includes(c));
        const ignored = cells.flatMap((c, i) => (mapping![i] || text(c) === '' ? [] : [text(c).slice(0, 64)]));
        await em.nativeUpdate(ImportSchema, { id: importId }, { ignoredColumns: ignored, encoding: source.encoding ?? job.encoding });
        if (missing.length) return finish(em, job, 'failed', `缺少必需的列：${missing.map((c) => `${c.label}（${c.headers.at(-1)}）`).join('、')}`);
        if (!mapping.some(Boolean)) return finish(em, job, 'failed', '第一行不是可识别的表头');
        continue;
      }
      const parsed = parseRow(line, cells, mapping, importer);
      if ('issues' in parsed) issues.push(...parsed.issues);
      else batch.push(parsed.row);
      if (batch.length + issues.length >= settings.batchSize) await handOver();
    }
    if (!mapping) return finish(em, job, 'failed', '文件是空的（没有表头）');
    await handOver();
    await writing;
    if (writeFailed) throw writeFailed;
  } catch (err) {
    await writing;
    // A batch the database refused is not a file problem: staff read which one it was.
    const what = err === writeFailed ? '保存数据出错' : '读取文件出错';
    return finish(em, job, 'failed', `${what}：${(err as Error).message}`.slice(0, 500));
  }
  return finish(em, job, 'completed', null, totals);
}

async function finish(em: EntityManager, job: Import, status: 'completed' | 'failed', error: string | null, totals?: Progress): Promise<Import> {
  const fields = { status, error, completedAt: new Date(), storedPath: null, ...(totals ? { ...totals, progress: 100 } : {}) };
  await em.nativeUpdate(ImportSchema, { id: job.id }, fields);
  const audit = em.fork();
  recordAudit(audit, { actorStaffId: job.createdBy ?? null, channel: 'system', action: `import.${status}`, targetType: 'import', targetId: job.id, details: { kind: job.kind, ...(totals ?? {}), ...(error ? { error } : {}) } });
  await audit.flush();
  return (await em.findOne(ImportSchema, { id: job.id }, { disableIdentityMap: true }))!;
}

function mapHeader(cells: Cell[], columns: readonly Column[]): Array<Column | null> {
  const byHeader = new Map<string, Column>();
  for (const col of columns) for (const h of col.headers) if (!byHeader.has(headerKey(h))) byHeader.set(headerKey(h), col);
  const used = new Set<Column>();
  return cells.map((c) => {
    const col = byHeader.get(headerKey(text(c)));
    if (!col || used.has(col)) return null;
    used.add(col);
    return col;
  });
}

function parseRow(line: number, cells: Cell[], mapping: Array<Column | null>, importer: Importer): { row: ParsedRow } | { issues: RowIssue[] } {
  const values: Record<string, unknown> = {};
  const raw: Record<string, Cell> = {};
  const issues: RowIssue[] = [];
  mapping.forEach((col, i) => {
    if (!col) return;
    const cell = cells[i] ?? null;
    raw[col.field] = cell;
    if (text(cell) === '') return;
    const value = col.parse(cell);
    if (isError(value)) issues.push({ line, field: col.field, value: shownValue(cell, Boolean(col.phone)), reason: `${col.label}：${value.error}` });
    else values[col.field] = value;
  });
  for (const col of importer.columns) {
    if (col.required && text(raw[col.field] ?? null) === '') issues.push({ line, field: col.field, value: null, reason: `${col.label}：必填` });
  }
  if (issues.length) return { issues };
  const row = { line, values, raw };
  const more = importer.check?.(row) ?? [];
  return more.length ? { issues: more } : { row };
}

type Recorder = (tx: EntityManager, outcome: BatchOutcome) => Promise<void>;

/**
 * One transaction per batch, its counts recorded inside it. A batch the database refuses is tried once
 * more (a mobile another door claimed meanwhile is then seen and its row rejected), then row by row, so a
 * bad row never stops the rest.
 */
async function applyBatch(em: EntityManager, importer: Importer, rows: ParsedRow[], ctx: ImportContext, record: Recorder): Promise<void> {
  const whole = () =>
    em.transactional(async (tx) => {
      const outcome = rows.length ? await importer.apply(tx, rows, ctx) : { created: 0, updated: 0, unchanged: 0, rejected: [] };
      await record(tx, outcome);
    }, { clear: true });
  try {
    return await whole();
  } catch {
    try {
      return await whole();
    } catch {
      // row by row below
    }
  }
  const total: BatchOutcome = { created: 0, updated: 0, unchanged: 0, rejected: [] };
  for (const row of rows) {
    try {
      const one = await em.transactional((tx) => importer.apply(tx, [row], ctx), { clear: true });
      total.created += one.created;
      total.updated += one.updated;
      total.unchanged += one.unchanged;
      total.rejected.push(...one.rejected);
    } catch (err) {
      total.rejected.push({ line: row.line, field: '(row)', value: null, reason: `数据库拒绝该行：${databaseReason(err)}` });
    }
  }
  await em.transactional((tx) => record(tx, total), { clear: true });
}

function databaseReason(err: unknown): string {
  const name = (err as Error)?.name ?? '';
  if (name.includes('UniqueConstraint')) return '与已有记录重复';
  if (name.includes('ForeignKey')) return '引用的记录不存在';
  if (name.includes('NotNull')) return '缺少必填内容';
  return '写入失败';
}

/** Active staff by name and by E.164 mobile (the owner column); a shared name maps to null. */
async function staffDirectory(em: EntityManager): Promise<Map<string, number | null>> {
  const staff = await em.find(StaffSchema, { active: true }, { fields: ['id', 'name', 'mobile'], disableIdentityMap: true });
  const map = new Map<string, number | null>();
  for (const s of staff) {
    map.set(s.name, map.has(s.name) ? null : s.id);
    if (s.mobile) {
      map.set(s.mobile, s.id);
      const n = normalizePhone(s.mobile);
      if (n) map.set(n.national, s.id);
    }
  }
  return map;
}

/** An import as its status page shows it. */
export function importView(job: Import) {
  return {
    id: job.id,
    kind: job.kind,
    fileName: job.fileName,
    format: job.format,
    encoding: job.encoding,
    status: job.status,
    processed: job.processed,
    created: job.created,
    updated: job.updated,
    unchanged: job.unchanged,
    rejected: job.rejected,
    progress: job.progress,
    ignoredColumns: typeof job.ignoredColumns === 'string' ? (JSON.parse(job.ignoredColumns) as string[]) : job.ignoredColumns,
    error: job.error ?? null,
    createdBy: job.createdBy ?? null,
    createdAt: job.createdAt,
    startedAt: job.startedAt ?? null,
    completedAt: job.completedAt ?? null,
  };
}

export async function importStatus(em: EntityManager, actor: Actor, id: number) {
  authorize(actor, 'import:run', '查看导入');
  const job = await em.findOne(ImportSchema, { id }, { disableIdentityMap: true });
  if (!job) throw new DomainError('IMPORT_NOT_FOUND', `导入任务 ${id} 不存在`);
  return importView(job);
}

export async function importErrors(em: EntityManager, actor: Actor, id: number, page: { page: number; size: number }) {
  await importStatus(em, actor, id);
  const [rows, total] = await em.findAndCount(ImportErrorSchema, { importJob: id }, { orderBy: { line: 'asc', id: 'asc' }, limit: page.size, offset: (page.page - 1) * page.size, disableIdentityMap: true });
  return { rows: rows.map((r) => ({ line: r.line, field: r.field, value: r.value ?? null, reason: r.reason })), total };
}

/** Every rejected row of an import as CSV lines (UTF-8 with BOM for Excel), read in pages by id. */
export async function* importErrorsCsv(em: EntityManager, actor: Actor, id: number, chunk = 2000): AsyncGenerator<string> {
  await importStatus(em, actor, id);
  yield* errorsCsv(em, id, chunk);
}

/** The rejected rows of an import as CSV lines, for a door that has already checked who asks (or the CLI). */
export async function* errorsCsv(em: EntityManager, id: number, chunk = 2000): AsyncGenerator<string> {
  yield `\uFEFF${csvLine(['行号', '字段', '值', '原因'])}`;
  let after = 0;
  for (;;) {
    const rows = await em.find(ImportErrorSchema, { importJob: id, id: { $gt: after } }, { orderBy: { id: 'asc' }, limit: chunk, disableIdentityMap: true });
    if (rows.length === 0) return;
    yield rows.map((r) => csvLine([r.line, r.field, r.value ?? '', r.reason])).join('');
    after = rows.at(-1)!.id;
  }
}
