import type { z } from 'zod';
import { pageOf } from './envelope.js';
import { pageOf as pageSchema } from './response.schemas.js';
import { route, type RouteContext, type RouteDef, type RouteInput } from './route.js';

type PagedQuery = z.ZodType<{ page: number; size: number }>;

/** What a list service answers: one page of rows and how many there are in all. */
export type Listed<Row> = { rows: Row[]; total: number };

/**
 * A GET route answering one page of a list, declared the way every list route works: the query (with
 * `page` and `size`) validated with the rest of the input, the service's `{ rows, total }` wrapped in the
 * page envelope `{ records, total, size, current, pages }`, and the document's 200 a page of `item`.
 */
export function listRoute<P extends z.ZodType | undefined = undefined, Q extends PagedQuery = PagedQuery>(
  def: Omit<RouteDef<P, Q, undefined>, 'method' | 'responses' | 'handler' | 'body' | 'query'> & {
    query: Q;
    /** The 200 answer: what one page holds, and the schema of one of its records. */
    page: { description: string; item: z.ZodType };
    list(ctx: RouteContext, input: RouteInput<P, Q, undefined>): Promise<Listed<unknown>>;
  },
): RouteDef<P, Q, undefined> {
  const { page, list, ...rest } = def;
  return route<P, Q, undefined>({
    ...rest,
    method: 'get',
    responses: { 200: { description: page.description, schema: pageSchema(page.item) } },
    handler: async (ctx, input) => {
      const { rows, total } = await list(ctx, input);
      return pageOf(rows, total, input.query.page, input.query.size);
    },
  });
}
