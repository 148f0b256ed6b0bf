import { z } from 'zod';

/** The instants we accept: the database keeps UTC DATETIME; years outside 1970–2100 are typos or probes. */
export const EARLIEST = new Date('1970-01-01T00:00:00Z');
export const LATEST = new Date('2100-12-31T23:59:59.999Z');

/**
 * A strict ISO 8601 instant with an offset (`2026-03-01T09:30:00+08:00` or `…Z`), a real calendar day,
 * within 1970–2100; parsed to a Date. `true`, `12345`, `2026-02-30` and six-digit years are refused.
 */
export const isoDateTime = z
  .iso.datetime({ offset: true })
  .refine((v) => {
    const t = Date.parse(v);
    return t >= EARLIEST.getTime() && t <= LATEST.getTime();
  }, '时间超出允许范围（1970–2100 年）')
  .transform((v) => new Date(v))
  .meta({ description: 'ISO 8601 时间，带时区（例如 2026-03-01T09:30:00+08:00）', example: '2026-03-01T09:30:00+08:00' });

/** A calendar day `YYYY-MM-DD` (a real date) within 1970–2100, kept as text. */
export const isoDate = z
  .iso.date()
  .refine((v) => v >= '1970-01-01' && v <= '2100-12-31', '日期超出允许范围（1970–2100 年）')
  .meta({ description: '日期 YYYY-MM-DD', example: '2026-10-01' });
