import type { EntityManager } from '@mikro-orm/core';
import { ContactHistorySchema } from './contact-history.entity.js';
import type { SmsLog, SmsLogStatus } from './sms-log.entity.js';

/** What a contact-history SMS touch says for each state of its sms_logs row. */
const HISTORY_STATUS: Record<SmsLogStatus, string> = { pending: 'sending', sent: 'sent', delivered: 'delivered', failed: 'failed' };

/**
 * Contact history follows the SMS outcome: after sms_logs rows changed (carrier answer, delivery
 * receipt), their history rows get the same outcome — sending, sent, delivered or failed. One statement
 * per outcome, whatever the number of rows. A pending row still waiting for its window stays `deferred`.
 */
export async function followSmsOutcome(em: EntityManager, logs: readonly SmsLog[]): Promise<void> {
  const byStatus = new Map<string, string[]>();
  for (const log of logs) {
    const status = HISTORY_STATUS[log.status as SmsLogStatus];
    byStatus.set(status, [...(byStatus.get(status) ?? []), log.messageId]);
  }
  for (const [status, ids] of byStatus) {
    const where = status === 'sending' ? { smsMessageId: { $in: ids }, status: { $ne: 'deferred' } } : { smsMessageId: { $in: ids } };
    await em.nativeUpdate(ContactHistorySchema, where, { status });
  }
}
