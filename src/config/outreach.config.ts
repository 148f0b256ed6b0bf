import { z } from 'zod';
import { defineSection } from './config-section.js';

const WINDOW = /^([01]\d|2[0-3]):[0-5]\d-(([01]\d|2[0-3]):[0-5]\d|24:00)$/;

/** Outreach rules that are settings rather than law: the marketing window and the batch worker's pace. */
export const outreachSection = defineSection({
  shape: {
    /** Local start-end of the marketing window in BUSINESS_TZ; the end may be 24:00. */
    MARKETING_HOURS: z.string().regex(WINDOW, 'must look like 08:00-20:00').default('08:00-20:00'),
    SMS_BATCH_CHUNK_SIZE: z.coerce.number().int().min(1).max(200).default(200),
    SMS_BATCH_LOCK_MS: z.coerce.number().int().min(1000).default(60_000),
    SMS_SETTLE_AFTER_MS: z.coerce.number().int().min(1000).default(120_000),
    /** SMS template of invitations: {1} name, {2} event, {3} time, {4} incentive. */
    INVITATION_SMS_TEMPLATE: z.string().min(1).max(50).default('TPL_INVITE'),
    /**
     * true: outreach SMS and calls go through the dry-run gateways even when carriers are configured
     * (logged and marked dry-run, never sent). Required to start in production without a carrier.
     */
    OUTREACH_DRY_RUN: z.enum(['true', 'false']).default('false'),
  },
  check(e) {
    const [start, end] = e.MARKETING_HOURS.split('-');
    return start! < end! ? [] : ['MARKETING_HOURS: the window must start before it ends'];
  },
  build(e) {
    const [start, end] = e.MARKETING_HOURS.split('-') as [string, string];
    return {
      marketingWindow: { start, end },
      batchChunkSize: e.SMS_BATCH_CHUNK_SIZE,
      batchLockMs: e.SMS_BATCH_LOCK_MS,
      settleAfterMs: e.SMS_SETTLE_AFTER_MS,
      invitationSmsTemplate: e.INVITATION_SMS_TEMPLATE,
      /** Set explicitly: every outreach send is a dry run. (Without it, a missing carrier outside production is one too.) */
      dryRun: e.OUTREACH_DRY_RUN === 'true',
    };
  },
});
