import { defineEntity, p, type InferEntity } from '@mikro-orm/core';
import { StaffSchema } from '../staff/staff.entity.js';

export const IMPORT_KINDS = ['customers', 'members', 'visits', 'consents', 'events'] as const;
export type ImportKind = (typeof IMPORT_KINDS)[number];
export const IMPORT_STATUSES = ['queued', 'running', 'completed', 'failed'] as const;
export type ImportStatus = (typeof IMPORT_STATUSES)[number];

/** One bulk import of a CSV or XLSX file: what it is, how far it got, and what it did. */
export const ImportSchema = defineEntity({
  name: 'Import',
  tableName: 'imports',
  properties: {
    id: p.integer().primary().autoincrement(),
    kind: p.enum([...IMPORT_KINDS]),
    fileName: p.string().length(255),
    format: p.enum(['csv', 'xlsx']),
    /** Requested text encoding of a CSV: auto, utf8 or gbk; after the run, the one used. */
    encoding: p.string().length(8).default('auto'),
    /** Where the uploaded file waits for its job (removed when the import ends). */
    storedPath: p.string().length(500).nullable(),
    status: p.enum([...IMPORT_STATUSES]).default('queued').index(),
    processed: p.integer().default(0),
    created: p.integer().default(0),
    updated: p.integer().default(0),
    unchanged: p.integer().default(0),
    rejected: p.integer().default(0),
    progress: p.integer().default(0),
    /** Columns of the header row that map to no field (kept so staff see what was ignored). */
    ignoredColumns: p.json<string[]>().default('[]'),
    error: p.string().length(500).nullable(),
    createdBy: () => p.manyToOne(StaffSchema).mapToPk().joinColumn('created_by').nullable(),
    createdAt: p.datetime().onCreate(() => new Date()).index(),
    startedAt: p.datetime().nullable(),
    completedAt: p.datetime().nullable(),
  },
});

export type Import = InferEntity<typeof ImportSchema>;

/** One rejected row (or field of it): the line, the field, the value as given (numbers masked), why. */
export const ImportErrorSchema = defineEntity({
  name: 'ImportError',
  tableName: 'import_errors',
  properties: {
    id: p.integer().primary().autoincrement(),
    importJob: () => p.manyToOne(ImportSchema).ref().joinColumn('import_id').deleteRule('cascade'),
    line: p.integer(),
    field: p.string().length(64),
    value: p.string().length(120).nullable(),
    reason: p.string().length(255),
  },
  indexes: [{ properties: ['importJob', 'line'] }],
});

export type ImportErrorRow = InferEntity<typeof ImportErrorSchema>;
