import type { EntityManager, EntitySchema } from '@mikro-orm/core';
import type { SqlEntityManager } from '@mikro-orm/sql';
import type { Cell } from '../ports/spreadsheet.port.js';
import type { Parsed } from './cell-values.js';
import type { ImportKind } from './import.entity.js';

/** One field an import fills: the header spellings it is recognised by (Chinese and English) and its parser. */
export type Column = {
  field: string;
  /** Chinese name for error lists and the "missing column" message. */
  label: string;
  headers: readonly string[];
  required?: boolean;
  /** Values are phone numbers (masked wherever they are shown). */
  phone?: boolean;
  parse(cell: Cell): Parsed<unknown>;
};

/** A row whose cells all parsed: field → value (absent when the cell was empty). */
export type ParsedRow = { line: number; values: Record<string, any>; raw: Record<string, Cell> };

export type RowIssue = { line: number; field: string; value: string | null; reason: string };

export type BatchOutcome = { created: number; updated: number; unchanged: number; rejected: RowIssue[] };

/** What every importer may read: the import, its file, the business time zone, staff by name or mobile. */
export type ImportContext = {
  importId: number;
  fileName: string;
  timeZone: string;
  now: Date;
  /** Active staff by name and by E.164 mobile; a name two people share maps to null (ambiguous). */
  staff: Map<string, number | null>;
};

/**
 * One kind of import: its columns, a per-row check across fields, and `apply`, which upserts a batch of
 * valid rows by the kind's stable key (set-based where the kind allows) and says what changed. A row that
 * changes nothing counts as unchanged, so importing the same file twice changes nothing the second time.
 */
export type Importer = {
  kind: ImportKind;
  columns: readonly Column[];
  check?(row: ParsedRow): RowIssue[];
  apply(em: EntityManager, rows: ParsedRow[], ctx: ImportContext): Promise<BatchOutcome>;
};

/** Normalised header text: lower case, no spaces/underscores/dashes, no "(必填)" or "*" marks. */
export function headerKey(header: string): string {
  return header
    .replace(/^\uFEFF/, '')
    .replace(/[（(][^）)]*[）)]/g, '')
    .replace(/[*＊\s_\-:：]/g, '')
    .toLowerCase();
}

/** Same value for an upsert's "did anything change" test (dates by instant, lists by content). */
export function same(a: unknown, b: unknown): boolean {
  if (a instanceof Date || b instanceof Date) return a instanceof Date && b instanceof Date ? a.getTime() === b.getTime() : false;
  if (Array.isArray(a) || Array.isArray(b)) return JSON.stringify(a ?? []) === JSON.stringify(b ?? []);
  return (a ?? null) === (b ?? null);
}

/** The fields of `next` that differ from `current` (only fields present in `next`). */
export function changes<T extends Record<string, unknown>>(current: Record<string, unknown>, next: T): Partial<T> {
  const out: Partial<T> = {};
  for (const [k, v] of Object.entries(next)) if (v !== undefined && !same(current[k], v)) (out as Record<string, unknown>)[k] = v;
  return out;
}

/** Rows keyed by `key`, the last occurrence winning (a file naming one record twice). */
export function lastByKey<R>(rows: R[], key: (r: R) => string): { kept: Map<string, R>; repeated: number } {
  const kept = new Map<string, R>();
  for (const r of rows) {
    const k = key(r);
    kept.delete(k);
    kept.set(k, r);
  }
  return { kept, repeated: rows.length - kept.size };
}

/** The object without its undefined fields (an insert takes the column defaults for them). */
export function definedOnly<T extends Record<string, unknown>>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}

/**
 * Rows of one table written in one statement whether they are new or stored already: INSERT … ON
 * DUPLICATE KEY UPDATE on MariaDB, INSERT … ON CONFLICT … DO UPDATE on SQLite. Each row is whole (the
 * stored values merged with the file's, so a blank cell erases nothing); a stored row gets only `fields`.
 */
export async function upsertRows(em: EntityManager, schema: EntitySchema<any, any>, rows: Array<Record<string, unknown>>, key: string, fields: readonly string[]): Promise<void> {
  if (rows.length === 0) return;
  await (em as SqlEntityManager).createQueryBuilder(schema).insert(rows as never).onConflict(key as never).merge(fields as never).execute('run');
}

/** A JSON column as read without hydration (SQLite hands back its text). */
export const jsonValue = <T>(v: unknown): T => (typeof v === 'string' ? (JSON.parse(v) as T) : (v as T));
