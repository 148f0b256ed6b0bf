import { z } from 'zod';
import { CALL_TASK_RUN_JOB } from '../domain/call-tasks/call-task-deps.js';
import { runCallTask, type DiallerDeps } from '../domain/call-tasks/dialler.js';
import type { JobDefinition } from './job-registry.js';

const Data = z.object({ taskId: z.number().int().positive() });

/**
 * One run of a call task's dialler (at scheduledTime, on START, at the next calling window or retry time).
 * Its lock lives as long as the task's lease and is renewed with it: when the dialling process dies, the
 * job is run again by another worker once the lease has expired, and that run takes the task over.
 */
export function callTaskJob(deps: () => DiallerDeps, options: { leaseMs: number }): JobDefinition<z.infer<typeof Data>> {
  return {
    name: CALL_TASK_RUN_JOB,
    parse: (data) => Data.parse(data),
    run: async ({ taskId }, job) => {
      await runCallTask(deps(), taskId, { touch: () => job.touch() });
    },
    concurrency: 20,
    lockLifetimeMs: options.leaseMs,
    backoff: null,
  };
}
