import type { Clock } from '../ports/clock.port.js';
import type { JobQueue } from '../ports/job-queue.port.js';

/** What the call-task service needs besides a unit of work. */
export type CallTaskDeps = {
  jobs: JobQueue;
  clock: Clock;
  /** Our caller ids (E.164): the numbers of the gateway lines and CALL_TASK_CALLER_IDS; a task may show only these. */
  callerIds(): Promise<string[]>;
  /** Signs recording links (the same secret as the 400 recordings). */
  recordingSecret: string;
};

/** The Agenda job that runs one task's dialler (one run per task at a time). */
export const CALL_TASK_RUN_JOB = 'call-task.run';

/**
 * The task lease's watch (task-lease.ts): a short job of its own kind, so that its job lock lasts one lease
 * time (a watch held by a process that died runs again elsewhere a lease time later, not after a dialler
 * run's lock) and START, STOP and cancel, which drop a task's queued runs, leave it alone.
 */
export const CALL_TASK_WATCH_JOB = 'call-task.watch';

/** After an answered task call hangs up: key 1 → lead; the recording analysed; high intention → lead. */
export const CALL_TASK_AFTER_CALL_JOB = 'call-task.after-call';

/** A robot task's prompt audio prepared once (script + key menu, and the short prompts). */
export const CALL_TASK_PROMPTS_JOB = 'call-task.prompts';
