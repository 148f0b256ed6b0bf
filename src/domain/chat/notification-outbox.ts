import type { JobQueue } from '../ports/job-queue.port.js';
import type { Notifier, StaffNotification } from '../ports/notifier.port.js';

/** The job that delivers one outbox entry (defined in src/jobs/chat/notify-staff.job.ts). */
export const NOTIFY_STAFF_JOB = 'chat.notify-staff';

/** Screen pops first: a ringing call's card is worthless a minute later; the rest keeps its order. */
const PRIORITY: Partial<Record<StaffNotification['kind'], number>> = { screen_pop: 20, approval: 10 };

/**
 * The Notifier every service uses: a notification is written to the job store (the durable outbox) and
 * delivered by the job worker over WeCom/Wechaty, so no request or call flow waits for a chat API or
 * its per-member pacer, and a notification accepted here survives a restart. `ok` means "accepted for
 * delivery"; delivery failures are retried by the job and visible in GET /api/jobs.
 */
export function outboxNotifier(jobs: JobQueue): Notifier {
  return {
    async notifyStaff(staffId, notification) {
      try {
        await jobs.enqueue(NOTIFY_STAFF_JOB, { staffId, notification }, { priority: PRIORITY[notification.kind] ?? 0 });
        return { ok: true, transport: 'outbox' };
      } catch (err) {
        return { ok: false, reason: `outbox: ${(err as Error).message}` };
      }
    },
  };
}
