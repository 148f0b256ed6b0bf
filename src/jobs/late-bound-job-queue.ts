import type { JobQueue } from '../domain/ports/job-queue.port.js';

/**
 * Services and job definitions are built before the scheduler exists (the scheduler needs the job
 * definitions); they get this queue, which forwards to the real one once bound.
 */
export function lateBoundJobQueue(): JobQueue & { bind(queue: JobQueue): void } {
  let target: JobQueue | undefined;
  const ready = () => {
    if (!target) throw new Error('job queue used before the scheduler was started');
    return target;
  };
  return {
    bind: (queue) => {
      target = queue;
    },
    enqueue: (name, data, options) => ready().enqueue(name, data, options),
    cancel: (name, match) => ready().cancel(name, match),
    isPending: (name, match) => ready().isPending(name, match),
  };
}
