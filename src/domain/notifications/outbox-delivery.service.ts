import type { EntityManager } from '@mikro-orm/core';
import type { Notifier } from '../ports/notifier.port.js';
import type { NotificationOutbox } from './notification-outbox.entity.js';
import { claimDue, settleClaimed, storedNotification } from './notification-outbox.queries.js';

export type OutboxSettings = {
  /** Attempts before a notification is marked failed. */
  maxAttempts: number;
  /** Delay before the first retry; doubles per attempt up to retryMaxMs. */
  retryBaseMs: number;
  retryMaxMs: number;
  /** How long a process holds a row it took (longer than a paced send can wait: WeCom's pacer waits up to a minute). */
  leaseMs: number;
  /** Rows taken per claim. */
  batchSize: number;
};

export type DeliveryReport = { sent: number; retried: number; failed: number; lost: number; failures: Array<{ id: number; staffId: number; reason: string }> };

/** Delay before attempt `attempts + 1`: base · 2^(attempts−1), capped. A pure function of the attempt count. */
export function retryDelayMs(attempts: number, settings: Pick<OutboxSettings, 'retryBaseMs' | 'retryMaxMs'>): number {
  return Math.min(settings.retryMaxMs, settings.retryBaseMs * 2 ** Math.max(0, attempts - 1));
}

/**
 * Delivers due notifications until none is left: claims a batch (leased), sends each through `sender`
 * (the chat transports, which pace sends per member), and settles it: sent; retried later with backoff
 * when the failure is retryable and attempts remain; failed with the reason otherwise. One member's
 * notifications go out in order; different members' in parallel (so one paced member delays no one else).
 */
export async function deliverDueNotifications(
  deps: { fork(): EntityManager; sender: Notifier; settings: OutboxSettings; now?: () => Date },
  maxBatches = 20,
): Promise<DeliveryReport> {
  const now = deps.now ?? (() => new Date());
  const report: DeliveryReport = { sent: 0, retried: 0, failed: 0, lost: 0, failures: [] };
  for (let batch = 0; batch < maxBatches; batch++) {
    const rows = await claimDue(deps.fork(), { limit: deps.settings.batchSize, leaseMs: deps.settings.leaseMs, now: now() });
    if (rows.length === 0) break;
    const byStaff = new Map<number, NotificationOutbox[]>();
    for (const row of rows) byStaff.set(row.staffId, [...(byStaff.get(row.staffId) ?? []), row]);
    await Promise.all([...byStaff.values()].map(async (queue) => {
      for (const row of queue) await deliverOne(deps, row, report, now);
    }));
  }
  return report;
}

async function deliverOne(deps: { fork(): EntityManager; sender: Notifier; settings: OutboxSettings }, row: NotificationOutbox, report: DeliveryReport, now: () => Date): Promise<void> {
  const em = deps.fork();
  const res = await deps.sender.notifyStaff(row.staffId, storedNotification(row)).catch((err: unknown) => ({ ok: false as const, reason: (err as Error).message, retryable: true }));
  if (res.ok) {
    if (await settleClaimed(em, row, { kind: 'sent', transport: res.transport, at: now() })) report.sent++;
    else report.lost++;
    return;
  }
  if (res.retryable && row.attempts < deps.settings.maxAttempts) {
    const at = new Date(now().getTime() + retryDelayMs(row.attempts, deps.settings));
    if (await settleClaimed(em, row, { kind: 'retry', at, error: res.reason })) report.retried++;
    return;
  }
  const reason = res.retryable ? `gave up after ${row.attempts} attempts: ${res.reason}` : res.reason;
  if (await settleClaimed(em, row, { kind: 'failed', error: reason })) {
    report.failed++;
    report.failures.push({ id: row.id, staffId: row.staffId, reason });
  }
}
