import { z } from 'zod';
import { defineSection } from './config-section.js';

/**
 * The notification outbox: how often the delivery job looks (besides the nudge after each new row), how
 * long a process holds a row (keep it well above a paced send: WeCom's pacer waits up to 60 s per member),
 * and how failed sends are retried before a notification is marked failed.
 */
export const notificationsSection = defineSection({
  shape: {
    NOTIFY_OUTBOX_POLL_SECONDS: z.coerce.number().int().min(1).max(3600).default(15),
    NOTIFY_OUTBOX_MAX_ATTEMPTS: z.coerce.number().int().min(1).max(50).default(6),
    NOTIFY_OUTBOX_RETRY_BASE_SECONDS: z.coerce.number().min(0).max(3600).default(30),
    NOTIFY_OUTBOX_RETRY_MAX_SECONDS: z.coerce.number().min(0).max(86_400).default(1800),
    NOTIFY_OUTBOX_LEASE_SECONDS: z.coerce.number().int().min(1).max(86_400).default(300),
    NOTIFY_OUTBOX_BATCH: z.coerce.number().int().min(1).max(1000).default(50),
  },
  build(e) {
    return {
      pollSeconds: e.NOTIFY_OUTBOX_POLL_SECONDS,
      maxAttempts: e.NOTIFY_OUTBOX_MAX_ATTEMPTS,
      retryBaseMs: e.NOTIFY_OUTBOX_RETRY_BASE_SECONDS * 1000,
      retryMaxMs: Math.max(e.NOTIFY_OUTBOX_RETRY_MAX_SECONDS, e.NOTIFY_OUTBOX_RETRY_BASE_SECONDS) * 1000,
      leaseMs: e.NOTIFY_OUTBOX_LEASE_SECONDS * 1000,
      batchSize: e.NOTIFY_OUTBOX_BATCH,
    };
  },
});
