import { defineEntity, p, type InferEntity } from '@mikro-orm/core';

/**
 * Agenda's job document as a row, for the SQL job backend (used when MONGODB_URL is not set).
 * The repository reads and writes it with raw SQL; the entity exists so migrations create the table.
 * Dates carry milliseconds because lock deadlines and backoff delays are computed in ms.
 */
export const AgendaJobSchema = defineEntity({
  name: 'AgendaJob',
  tableName: 'agenda_jobs',
  properties: {
    id: p.string().length(36).primary(),
    name: p.string().length(191),
    priority: p.integer().default(0),
    nextRunAt: p.datetime(3).nullable(),
    type: p.string().length(10).default('normal'),
    lockedAt: p.datetime(3).nullable().index('agenda_jobs_locked_at_idx'),
    lastFinishedAt: p.datetime(3).nullable(),
    failedAt: p.datetime(3).nullable(),
    failCount: p.integer().nullable(),
    failReason: p.text().nullable(),
    repeatTimezone: p.string().length(100).nullable(),
    lastRunAt: p.datetime(3).nullable(),
    repeatInterval: p.string().length(255).nullable(),
    repeatAt: p.string().length(255).nullable(),
    data: p.json<unknown>().nullable(),
    disabled: p.boolean().default(false),
    progress: p.double().nullable(),
    fork: p.boolean().default(false),
    /** `name` for type 'single' jobs (every()), else NULL: at most one single job per name. */
    singleKey: p.string().length(191).nullable().unique('agenda_jobs_single_key_unique'),
    /** Digest of name + Agenda's `unique` query, so unique() upserts hit one row. */
    uniqueKey: p.string().length(64).nullable().unique('agenda_jobs_unique_key_unique'),
    /** The `unique` query itself, returned to Agenda as saved. */
    uniqueQuery: p.json<Record<string, unknown>>().nullable(),
    debounceStartedAt: p.datetime(3).nullable(),
    lastModifiedBy: p.string().length(191).nullable(),
    startDate: p.datetime(3).nullable(),
    endDate: p.datetime(3).nullable(),
    skipDays: p.json<number[]>().nullable(),
  },
  indexes: [
    // The next-job scan: due jobs of one name, highest priority first, then oldest nextRunAt.
    {
      name: 'agenda_jobs_find_and_lock_idx',
      columns: [
        { name: 'name' },
        { name: 'disabled' },
        { name: 'priority', sort: 'DESC' },
        { name: 'next_run_at' },
        { name: 'locked_at' },
      ],
    },
    { name: 'agenda_jobs_next_run_at_idx', properties: ['nextRunAt'] },
  ],
});

export type AgendaJobRow = InferEntity<typeof AgendaJobSchema>;
