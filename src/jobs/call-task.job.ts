import { z } from 'zod';
import { CALL_TASK_RUN_JOB, CALL_TASK_WATCH_JOB } from '../domain/call-tasks/call-task-deps.js';
import { runCallTask, type DiallerDeps } from '../domain/call-tasks/dialler.js';
import type { JobDefinition } from './job-registry.js';

/** `lookAgain`: queued by the task lease's watch (task-lease.ts) to take a dead dialler's task over. */
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

const WatchData = z.object({ taskId: z.number().int().positive() });

/**
 * The task lease's watch (task-lease.ts): a few statements, never the dialler itself. Its job lock lasts one
 * lease time, so a watch locked by a process that died runs again elsewhere a lease time later; a failed one
 * is retried (the next watch may not be queued yet).
 */
export function callTaskWatchJob(deps: () => DiallerDeps): JobDefinition<z.infer<typeof WatchData>> {
  return {
    name: CALL_TASK_WATCH_JOB,
    parse: (data) => WatchData.parse(data),
    run: async ({ taskId }) => {
      const { leases, fork, jobs, log } = deps();
      const seen = await leases.lookAgain(fork(), jobs, taskId);
      if (seen === 'take-over') log?.({ taskId }, 'call task lease expired: a run takes the task over');
    },
    lockLifetimeMs: deps().leases.leaseMs,
  };
}
