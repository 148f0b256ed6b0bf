import { z } from 'zod';
import type { Page } from '../http/envelope.js';
import { pageOf as pageSchema } from '../http/response.schemas.js';
import { route, routes } from '../http/route.js';

export const JOB_STATES = ['running', 'scheduled', 'queued', 'completed', 'failed', 'repeating', 'paused'] as const;

/** What the HTTP door needs from the job runner (the composition root passes it in). */
export type JobsView = {
  list(query: { page: number; size: number; state?: (typeof JOB_STATES)[number]; name?: string }): Promise<Page<unknown>>;
};

export const jobsQuery = z.object({
  page: z.coerce.number().int().min(1).default(1),
  size: z.coerce.number().int().min(1).max(100).default(20),
  state: z.enum(JOB_STATES).optional(),
  name: z.string().max(100).optional(),
});
const isoOrNull = z.iso.datetime().nullable();
export const jobRecord = z.object({
  id: z.string(),
  name: z.string(),
  state: z.enum(JOB_STATES),
  progress: z.number().nullable(),
  nextRunAt: isoOrNull,
  lastRunAt: isoOrNull,
  lastFinishedAt: isoOrNull,
  failCount: z.number().int(),
  failReason: z.string().nullable(),
  failedAt: isoOrNull,
});

/** GET /api/jobs: jobs with state, progress and last failure (permission jobs:view). */
export function jobsRoutes(jobs: JobsView) {
  return routes(
    route({
      method: 'get',
      path: '/api/jobs',
      summary: '后台任务：状态、进度、最近一次失败',
      tags: ['jobs'],
      permissions: ['jobs:view'],
      query: jobsQuery,
      responses: { 200: { description: '一页任务', schema: pageSchema(jobRecord) } },
      errors: [],
      handler: (ctx, { query }) => jobs.list(query),
    }),
  );
}
