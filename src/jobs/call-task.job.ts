import { z } from 'zod';
import { CALL_TASK_RUN_JOB } from '../domain/call-tasks/call-task-deps.js';
import { runCallTask, type DiallerDeps } from '../domain/call-tasks/dialler.js';
import type { JobDefinition } from './job-registry.js';

/** `lookAgain`: the task lease's watch (task-lease.ts): takes a dead dialler's task over, else looks again later. */
const Data = z.object({ taskId: z.number().int().positive(), lookAgain: z.boolean().optional() });

/** One run of a call task's dialler (at scheduledTime, on START, at the next calling window or retry time). */
export function callTaskJob(deps: () => DiallerDeps): JobDefinition<z.infer<typeof Data>> {
  return {
    name: CALL_TASK_RUN_JOB,
    parse: (data) => Data.parse(data),
    run: async ({ taskId, lookAgain }) => {
      await runCallTask(deps(), taskId, { lookAgain });
    },
    concurrency: 20,
    lockLifetimeMs: 10 * 60_000,
    backoff: null,
  };
}
