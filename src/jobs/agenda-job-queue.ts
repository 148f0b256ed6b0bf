import type { Agenda } from 'agenda';
import type { JobQueue } from '../domain/ports/job-queue.port.js';

/** The domain's JobQueue port over Agenda: works in a web-only process too (saving needs no processing). */
export function createAgendaJobQueue(agenda: Agenda): JobQueue {
  return {
    async enqueue(name, data, options = {}) {
      const job = agenda.create(name, options.uniqueKey ? { ...data, uniqueKey: options.uniqueKey } : data);
      if (options.uniqueKey) job.unique({ name, 'data.uniqueKey': options.uniqueKey }, { insertOnly: true });
      if (options.priority !== undefined) job.priority(options.priority);
      job.schedule(options.runAt ?? new Date());
      const saved = await job.save();
      return String(saved.attrs._id);
    },
    cancel: (name, match) => agenda.cancel({ name, data: match }),
    async isPending(name, match) {
      const { jobs } = await agenda.queryJobs({ name, data: match, limit: 20 });
      return jobs.some((job) => ['queued', 'scheduled', 'running', 'repeating'].includes(job.state));
    },
  };
}
