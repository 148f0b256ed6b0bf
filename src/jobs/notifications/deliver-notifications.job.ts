import type { EntityManager } from '@mikro-orm/core';
import type { Logger } from '../../logging/logger.js';
import type { Notifier } from '../../domain/ports/notifier.port.js';
import { deliverDueNotifications, type OutboxSettings } from '../../domain/notifications/outbox-delivery.service.js';
import type { JobDefinition } from '../job-registry.js';

export const DELIVER_NOTIFICATIONS_JOB = 'notifications.deliver';

export type OutboxDeliverer = {
  /** Delivers now in the background (after a new row, at start). Every process delivers what it queued; the scheduled job does the rest. */
  wake(): void;
  /** One delivery pass (joined with one already running), resolved when it ends. */
  drain(): Promise<void>;
  /** Stops waking; waits up to `timeoutMs` for the pass in progress (rows it still holds are retaken once their lease expires). */
  stop(timeoutMs?: number): Promise<void>;
};

/**
 * This process's deliverer of the notification outbox: one pass at a time (a wake during a pass runs one
 * more), so a burst of notifications costs one claim per batch, not one per row.
 */
export function createOutboxDeliverer(deps: { fork(): EntityManager; sender: Notifier; settings: OutboxSettings; logger: Logger }): OutboxDeliverer {
  const log = deps.logger.child({ component: 'notification-outbox' });
  let running: Promise<void> | undefined;
  let again = false;
  let stopped = false;
  const pass = async () => {
    const report = await deliverDueNotifications({ fork: deps.fork, sender: deps.sender, settings: deps.settings });
    for (const f of report.failures) log.warn({ outboxId: f.id, staffId: f.staffId, reason: f.reason }, 'notification failed for good');
    if (report.lost > 0) log.warn({ lost: report.lost }, 'notifications sent after their lease expired (another process may send them again): raise NOTIFY_OUTBOX_LEASE_SECONDS');
    if (report.sent + report.retried + report.failed > 0) log.debug({ sent: report.sent, retried: report.retried, failed: report.failed }, 'notifications delivered');
  };
  const drain = (): Promise<void> => {
    if (stopped) return Promise.resolve();
    if (running) {
      again = true;
      return running;
    }
    running = (async () => {
      do {
        again = false;
        await pass();
      } while (again && !stopped);
    })()
      .catch((err: unknown) => log.error({ err }, 'notification delivery pass failed'))
      .finally(() => {
        running = undefined;
      });
    return running;
  };
  return {
    wake() {
      if (!stopped) void drain();
    },
    drain,
    async stop(timeoutMs = 10_000) {
      stopped = true;
      if (!running) return;
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([running, new Promise<void>((r) => (timer = setTimeout(r, timeoutMs)))]);
      clearTimeout(timer);
    },
  };
}

/** The scheduled pass: retries that came due, rows another process left behind (expired leases), rows queued in a process that runs no jobs. */
export function deliverNotificationsJob(deliverer: OutboxDeliverer): JobDefinition<Record<string, never>> {
  return {
    name: DELIVER_NOTIFICATIONS_JOB,
    parse: () => ({}),
    backoff: null,
    concurrency: 1,
    run: () => deliverer.drain(),
  };
}
