import { Router } from '@koa/router';
import { z } from 'zod';
import { requirePermission } from '../auth/authenticate.js';
import { respond, type Page } from '../http/envelope.js';
import type { AppState } from '../http/request-context.js';
import { validate } from '../http/validate.js';

export const JOB_STATES = ['running', 'scheduled', 'queued', 'completed', 'failed', 'repeating', 'paused'] as const;

/** What the HTTP door needs from the job runner (the composition root passes it in). */
export type JobsView = {
  list(query: { page: number; size: number; state?: (typeof JOB_STATES)[number]; name?: string }): Promise<Page<unknown>>;
};

const query = z.object({
  page: z.coerce.number().int().min(1).default(1),
  size: z.coerce.number().int().min(1).max(100).default(20),
  state: z.enum(JOB_STATES).optional(),
  name: z.string().max(100).optional(),
});

/** GET /api/jobs: jobs with state, progress and last failure (permission jobs:view). */
export function jobsRoutes(jobs: JobsView): Router<AppState> {
  const router = new Router<AppState>();
  router.get('/api/jobs', requirePermission('jobs:view'), async (ctx) => {
    respond(ctx, await jobs.list(validate(query, ctx.query)));
  });
  return router;
}
