import type { EntityManager } from '@mikro-orm/core';
import { z } from 'zod';
import { OUTREACH_JOBS, type OutreachDeps } from '../../domain/outreach/outreach-deps.js';
import { runSmsBatch } from '../../domain/outreach/sms-batch.worker.js';
import { settleUnknownSends } from '../../domain/outreach/sms-receipts.service.js';
import { sendPendingSms } from '../../domain/outreach/sms-send.service.js';
import type { JobDefinition } from '../job-registry.js';
import type { JobQueue } from '../../domain/ports/job-queue.port.js';
import { requeueStuckOutreach } from '../../domain/outreach/outreach-sweeper.service.js';
import { CONTACT_HISTORY_TYPES } from '../../domain/outreach/contact-history.entity.js';
import { INVITATION_SEND_JOB } from '../../domain/outreach/invitation.approvable.js';
import type { InvitationSettings } from '../../domain/outreach/invitation.service.js';
import { sendApprovedInvitation } from '../../domain/outreach/invitation-send.service.js';
import type { Notifier } from '../../domain/ports/notifier.port.js';
import { OUTREACH_CALL_JOB, placeOutreachCall, type OutreachCallInput } from '../../domain/outreach/outreach-call.service.js';

const SETTLE_ATTEMPTS = 10;

/** The outreach job kinds: thin adapters from stored job data to the outreach services. */
export function outreachJobs(
  newEm: () => EntityManager,
  deps: OutreachDeps,
  options: {
    batchLockMs: number;
    /** A batch sent a chunk or ended (the live board's progress bars). */
    batchProgressed?: (batchId: number) => void;
  },
): JobDefinition<any>[] {
  const progressed = options.batchProgressed ?? (() => {});
  const sendPending: JobDefinition<{ messageId: string; params: string[] }> = {
    name: OUTREACH_JOBS.sendPending,
    parse: (d) => z.object({ messageId: z.string(), params: z.array(z.string()) }).parse(d),
    run: async (data) => {
      await sendPendingSms(newEm(), deps, data);
    },
  };

  const batch: JobDefinition<{ batchId: number }> = {
    name: OUTREACH_JOBS.batch,
    parse: (d) => z.object({ batchId: z.number().int().positive() }).passthrough().parse(d),
    lockLifetimeMs: options.batchLockMs,
    // One batch at a time per worker keeps the carrier's request rate predictable.
    concurrency: 1,
    run: async (data, job) => {
      progressed(data.batchId);
      const result = await runSmsBatch(newEm, deps, data.batchId, async () => {
        progressed(data.batchId);
        await job.touch();
      });
      progressed(data.batchId);
      if (result.state === 'resume_later') await deps.jobs.enqueue(OUTREACH_JOBS.batch, { batchId: data.batchId, resumedFor: result.reason }, { runAt: result.at });
    },
  };

  const settle: JobDefinition<{ batchId?: number; attempt?: number }> = {
    name: OUTREACH_JOBS.settle,
    parse: (d) => z.object({ batchId: z.number().int().positive().optional(), attempt: z.number().int().min(0).optional() }).parse(d),
    run: async (data) => {
      const { stillUnknown } = await settleUnknownSends(newEm(), deps.sms, data.batchId);
      const attempt = (data.attempt ?? 0) + 1;
      if (stillUnknown > 0 && attempt < SETTLE_ATTEMPTS) {
        await deps.jobs.enqueue(OUTREACH_JOBS.settle, { batchId: data.batchId, attempt }, { runAt: new Date(deps.clock.now().getTime() + deps.batch.settleAfterMs) });
      }
    },
  };
  return [sendPending, batch, settle];
}

/** Invitation sending and deferred outreach calls. */
export function outreachSendJobs(newEm: () => EntityManager, deps: OutreachDeps, settings: InvitationSettings, notifier?: () => Notifier): JobDefinition<any>[] {
  const sendInvitation: JobDefinition<{ invitationId: string }> = {
    name: INVITATION_SEND_JOB,
    parse: (d) => z.object({ invitationId: z.string().min(1) }).passthrough().parse(d),
    run: async (data) => {
      const result = await sendApprovedInvitation(newEm(), deps, settings, data.invitationId, notifier?.());
      if (result.state === 'deferred') await deps.jobs.enqueue(INVITATION_SEND_JOB, { invitationId: data.invitationId }, { runAt: result.until });
    },
  };
  const call: JobDefinition<OutreachCallInput> = {
    name: OUTREACH_CALL_JOB,
    parse: (d) =>
      z
        .object({
          phoneNumber: z.string(),
          purpose: z.enum(['service', 'marketing']).optional(),
          scriptId: z.string().nullish(),
          scriptContent: z.string().min(1),
          customerId: z.string().nullish(),
          historyType: z.enum(CONTACT_HISTORY_TYPES).optional(),
          staffId: z.number().nullable(),
        })
        .parse(d),
    run: async (data) => {
      await placeOutreachCall(newEm(), deps, data);
    },
  };
  return [sendInvitation, call];
}

export const OUTREACH_SWEEP_JOB = 'outreach.sweep';
export const OUTREACH_SWEEP_EVERY = '10 minutes';

/** Every 10 minutes: re-queue committed outreach work that lost its job (see requeueStuckOutreach). */
export function outreachSweepJob(newEm: () => EntityManager, jobs: JobQueue): JobDefinition<Record<string, never>> {
  return {
    name: OUTREACH_SWEEP_JOB,
    parse: () => ({}),
    backoff: null,
    run: async () => {
      await requeueStuckOutreach(newEm(), jobs);
    },
  };
}
