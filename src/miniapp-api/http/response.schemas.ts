import { z } from 'zod';

/** A page of a list: `{ records, total, size, current, pages }`. */
export const pageOf = <T extends z.ZodType>(item: T) =>
  z.object({ records: z.array(item), total: z.number().int(), size: z.number().int(), current: z.number().int(), pages: z.number().int() });

/** A Date the handler returns; JSON carries it as an ISO 8601 string (the document says so). */
export const instant = z.date();

/** Path parameter `:id`, a positive integer. */
export const idParams = z.object({ id: z.coerce.number().int().positive().max(2_147_483_647).meta({ description: '记录编号' }) });
