import type { EntityManager } from '@mikro-orm/core';
import type { ApprovalService } from '../../domain/approvals/approval.service.js';
import { sendMorningDigest } from '../../domain/chat/digest.service.js';
import type { Notifier } from '../../domain/ports/notifier.port.js';
import type { JobDefinition } from '../job-registry.js';

export const MORNING_DIGEST_JOB = 'chat.morning-digest';
/** 08:30 every day in BUSINESS_TZ. */
export const MORNING_DIGEST_CRON = '30 8 * * *';

/** The daily digest of todos and pending approvals. */
export function morningDigestJob(newEm: () => EntityManager, deps: { notifier: Notifier; approvals: ApprovalService; timeZone: string }): JobDefinition<Record<string, never>> {
  return {
    name: MORNING_DIGEST_JOB,
    parse: () => ({}),
    backoff: null,
    run: async () => {
      await sendMorningDigest(newEm(), deps);
    },
  };
}
