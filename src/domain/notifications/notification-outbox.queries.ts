import { randomUUID } from 'node:crypto';
import { raw, type EntityManager } from '@mikro-orm/core';
import type { StaffNotification } from '../ports/notifier.port.js';
import { NotificationOutboxSchema, type NotificationOutbox } from './notification-outbox.entity.js';

/** A row ready to be written: pending, due at once; `ref` names what it is the outcome of (or null). */
export function outboxRow(staffId: number, notification: StaffNotification, now: Date, ref: string | null = null) {
  return { staffId, kind: notification.kind, payload: notification, status: 'pending' as const, attempts: 0, nextAttemptAt: now, createdAt: now, ref };
}

/** The stored notification as the domain wrote it (JSON turns the todo's `dueAt` into a string). */
export function storedNotification(row: Pick<NotificationOutbox, 'payload'>): StaffNotification {
  const n = row.payload;
  return n.kind === 'todo' ? { ...n, dueAt: new Date(n.dueAt) } : n;
}

const free = (now: Date) => ({ $or: [{ leasedUntil: null }, { leasedUntil: { $lte: now } }] });

/**
 * Takes up to `limit` due rows for `leaseMs` in one conditional UPDATE: a row is taken only while pending,
 * due and not leased (or its lease expired), so of processes claiming at once each row goes to exactly one
 * (the UPDATE re-reads each row under its lock). Each take counts as an attempt. Returns the rows taken.
 */
export async function claimDue(em: EntityManager, input: { limit: number; leaseMs: number; now: Date }): Promise<NotificationOutbox[]> {
  const { now } = input;
  // Another process may take the rows we saw between our SELECT and our UPDATE: look again (a few times) before saying "none due".
  for (let round = 0; round < 5; round++) {
    const due = await em.find(NotificationOutboxSchema, { status: 'pending', nextAttemptAt: { $lte: now }, ...free(now) }, { fields: ['id'], orderBy: { id: 'asc' }, limit: input.limit, disableIdentityMap: true });
    if (due.length === 0) return [];
    const leaseToken = randomUUID();
    const taken = await em.nativeUpdate(
      NotificationOutboxSchema,
      { id: { $in: due.map((r) => r.id) }, status: 'pending', ...free(now) },
      { leaseToken, leasedUntil: new Date(now.getTime() + input.leaseMs), attempts: raw('attempts + 1') },
    );
    if (taken > 0) return em.find(NotificationOutboxSchema, { leaseToken, status: 'pending' }, { orderBy: { id: 'asc' }, disableIdentityMap: true });
  }
  return [];
}

/** Settles a taken row; only the lease holder can (a row taken again after its lease expired is not ours). */
export async function settleClaimed(
  em: EntityManager,
  row: Pick<NotificationOutbox, 'id' | 'leaseToken'>,
  outcome: { kind: 'sent'; transport: string; at: Date } | { kind: 'retry'; at: Date; error: string } | { kind: 'failed'; error: string },
): Promise<boolean> {
  const released = { leasedUntil: null, leaseToken: null };
  const changes =
    outcome.kind === 'sent'
      ? { ...released, status: 'sent' as const, sentAt: outcome.at, transport: outcome.transport }
      : outcome.kind === 'retry'
        ? { ...released, nextAttemptAt: outcome.at, lastError: outcome.error.slice(0, 500) }
        : { ...released, status: 'failed' as const, lastError: outcome.error.slice(0, 500) };
  return (await em.nativeUpdate(NotificationOutboxSchema, { id: row.id, leaseToken: row.leaseToken, status: 'pending' }, changes)) === 1;
}

/** Notifications not yet delivered (pending, including those waiting for a retry). */
export function outboxDepth(em: EntityManager): Promise<number> {
  return em.count(NotificationOutboxSchema, { status: 'pending' });
}
