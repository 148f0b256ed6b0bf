import { z } from 'zod';
import { NOTIFY_STAFF_JOB } from '../../domain/chat/notification-outbox.js';
import type { Notifier, StaffNotification } from '../../domain/ports/notifier.port.js';
import type { JobDefinition } from '../job-registry.js';
import { PermanentJobError } from '../retry-policy.js';

const Data = z.object({
  staffId: z.number().int().positive(),
  notification: z.looseObject({ kind: z.enum(['screen_pop', 'voicemail', 'approval', 'todo', 'text']), title: z.string() }),
});

/** The stored notification as the transports expect it (JSON keeps a todo's due time as a string). */
function revive(n: z.infer<typeof Data>['notification']): StaffNotification {
  const notification = n as unknown as StaffNotification;
  if (notification.kind === 'todo') return { ...notification, dueAt: new Date(notification.dueAt) };
  return notification;
}

/**
 * Delivers one outbox entry with the chat doors' notifier (WeCom, Wechaty, the log), waiting for the
 * member's send pacer here rather than in a request. A failed delivery is retried with the default
 * backoff; a staff member who is gone or inactive is not.
 */
export function notifyStaffJob(deliver: Notifier): JobDefinition<z.infer<typeof Data>> {
  return {
    name: NOTIFY_STAFF_JOB,
    parse: (data) => Data.parse(data),
    concurrency: 8,
    run: async ({ staffId, notification }) => {
      const result = await deliver.notifyStaff(staffId, revive(notification));
      if (result.ok) return;
      if (/not found or inactive/.test(result.reason)) throw new PermanentJobError(result.reason);
      throw new Error(`notification not delivered: ${result.reason}`);
    },
  };
}
