import type { EntityManager } from '@mikro-orm/core';
import { INVITATION_SEND_JOB } from './invitation.approvable.js';
import { InvitationSchema } from './invitation.entity.js';
import { OUTREACH_JOBS } from './outreach-deps.js';
import { SmsBatchSchema } from './sms-batch.entity.js';
import { SmsBatchRecipientSchema } from './sms-batch-recipient.entity.js';
import type { JobQueue } from '../ports/job-queue.port.js';

/** Work committed but whose job never got queued (queueing failed right after the commit) is this old. */
export const STUCK_AFTER_MS = 10 * 60 * 1000;

/**
 * Finds outreach work that was committed but has no job to carry it on — a batch still `sending` with
 * pending recipients, an invitation `approved` but not sent — and queues that job again. Running it twice
 * is harmless (batch claims are per recipient, an invitation is sent only from `approved`).
 */
export async function requeueStuckOutreach(em: EntityManager, jobs: JobQueue, now = new Date()): Promise<{ batches: number[]; invitations: string[] }> {
  const before = new Date(now.getTime() - STUCK_AFTER_MS);
  const batches: number[] = [];
  for (const batch of await em.find(SmsBatchSchema, { status: 'sending', createdAt: { $lt: before } }, { limit: 100 })) {
    if ((await em.count(SmsBatchRecipientSchema, { batch: batch.id, status: 'pending' })) === 0) continue;
    if (await jobs.isPending(OUTREACH_JOBS.batch, { batchId: batch.id })) continue;
    await jobs.enqueue(OUTREACH_JOBS.batch, { batchId: batch.id, resumedFor: 'SWEEP' });
    batches.push(batch.id);
  }
  const invitations: string[] = [];
  for (const inv of await em.find(InvitationSchema, { status: 'approved', approvedAt: { $lt: before } }, { limit: 100 })) {
    if (await jobs.isPending(INVITATION_SEND_JOB, { invitationId: inv.id })) continue;
    await jobs.enqueue(INVITATION_SEND_JOB, { invitationId: inv.id });
    invitations.push(inv.id);
  }
  return { batches, invitations };
}
