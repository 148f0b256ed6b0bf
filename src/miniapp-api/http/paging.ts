import { z } from 'zod';

/** Query parameters every list endpoint accepts: page from 1, size up to 100, sort field and order. */
export function pagingQuery<const F extends readonly [string, ...string[]]>(sortFields: F, defaultSort: F[number]) {
  return z.object({
    page: z.coerce.number().int().min(1).default(1),
    size: z.coerce.number().int().min(1).max(100).default(10),
    sort: z.enum(sortFields).default(defaultSort),
    order: z.enum(['asc', 'desc']).default('desc'),
  });
}

export type Paging<F extends string = string> = { page: number; size: number; sort: F; order: 'asc' | 'desc' };
