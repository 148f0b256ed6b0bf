import type { EntityManager } from '@mikro-orm/core';
import { createHash } from 'node:crypto';
import { recordConsentOnce } from '../compliance/consent-ledger.service.js';
import { isOptOutReply } from '../compliance/compliance.policy.js';
import { normalizePhone } from '../shared/phone.js';
import type { SmsDeliveryReport, SmsGateway } from '../ports/sms-gateway.port.js';
import { SmsBatchRecipientSchema } from './sms-batch-recipient.entity.js';
import { SmsLogSchema, type SmsLog } from './sms-log.entity.js';
import { followSmsOutcome } from './contact-history.sms.js';

/**
 * Moves sms_logs (and batch recipients) to delivered/failed from carrier reports. Idempotent: a report
 * seen twice changes nothing the second time. A report for a send whose answer we never got (`unknown`)
 * is matched by our request id (SessionContext) and the number, and settles it with the carrier's serial.
 */
export async function applyDeliveryReports(em: EntityManager, reports: SmsDeliveryReport[]): Promise<{ applied: number; unmatched: number }> {
  let applied = 0;
  let unmatched = 0;
  const changed: SmsLog[] = [];
  const bySerial = await em.find(SmsLogSchema, { serialNo: { $in: reports.map((r) => r.serialNo).filter(Boolean) } });
  const serialIndex = new Map(bySerial.map((l) => [l.serialNo!, l]));
  for (const report of reports) {
    const phone = normalizePhone(report.phone)?.e164;
    let log: SmsLog | null | undefined = serialIndex.get(report.serialNo);
    if (!log && report.requestId && phone) log = await em.findOne(SmsLogSchema, { requestId: report.requestId, phoneNumber: phone });
    if (!log) {
      unmatched += 1;
      continue;
    }
    if (log.status === report.status && log.serialNo === report.serialNo) continue;
    Object.assign(log, {
      status: report.status,
      serialNo: log.serialNo ?? report.serialNo,
      sentAt: log.sentAt ?? report.receivedAt ?? new Date(),
      deliveredAt: report.status === 'delivered' ? report.receivedAt ?? new Date() : null,
      errorMessage: report.status === 'failed' ? `DELIVERY_FAILED: ${report.description ?? ''}`.slice(0, 1000) : null,
    });
    changed.push(log);
    applied += 1;
  }
  const recipients = await em.find(SmsBatchRecipientSchema, { messageId: { $in: changed.map((l) => l.messageId) } });
  const logByMessage = new Map(changed.map((l) => [l.messageId, l]));
  for (const recipient of recipients) {
    const log = logByMessage.get(recipient.messageId!)!;
    Object.assign(recipient, {
      status: log.status,
      serialNo: recipient.serialNo ?? log.serialNo,
      deliveredAt: log.deliveredAt ?? null,
      reason: log.status === 'failed' ? (log.errorMessage ?? 'DELIVERY_FAILED').slice(0, 255) : null,
    });
  }
  await em.flush();
  await followSmsOutcome(em, changed);
  return { applied, unmatched };
}

/**
 * An SMS reply from a customer: R, TD, T, N or 退订 opts the number out of marketing SMS at once. The
 * carrier may deliver one reply several times (retries, replays): it is recorded once, keyed by the number,
 * the carrier's time of the reply (`time`, Unix seconds) and its text. A reply without the carrier's time
 * is keyed by the minute it arrived instead. `recorded` is false for a replay.
 */
export async function applySmsReply(
  em: EntityManager,
  reply: { mobile: string; text: string; time?: number; receivedAt?: Date; requestId?: string },
): Promise<{ optedOut: boolean; recorded: boolean }> {
  const phone = normalizePhone(reply.mobile);
  if (!isOptOutReply(reply.text) || !phone) return { optedOut: false, recorded: false };
  // In force from when we learned it (the ledger's latest row wins; the carrier's clock only identifies the reply).
  const receivedAt = reply.receivedAt ?? new Date();
  const instant = reply.time !== undefined ? `t${reply.time}` : `m${Math.floor(receivedAt.getTime() / 60_000)}`;
  const dedupKey = createHash('sha256').update(`sms_reply|${phone.e164}|${instant}|${reply.text}`).digest('hex');
  const recorded = await recordConsentOnce(
    em,
    { phone: phone.e164, channel: 'sms', state: 'opted_out', source: 'sms_reply', reason: reply.text.slice(0, 200), at: receivedAt, dedupKey },
    { channel: 'api', actorStaffId: null, requestId: reply.requestId },
  );
  return { optedOut: true, recorded };
}

/**
 * Pulls queued delivery reports from the carrier and applies them; returns how many sends of the batch
 * are still `unknown` (the job asks again later, a bounded number of times).
 */
export async function settleUnknownSends(em: EntityManager, gateway: SmsGateway, batchId?: number): Promise<{ applied: number; stillUnknown: number }> {
  let applied = 0;
  if (gateway.pullStatus) {
    for (let round = 0; round < 20; round += 1) {
      const pulled = await gateway.pullStatus();
      if (!pulled.ok || pulled.reports.length === 0) break;
      applied += (await applyDeliveryReports(em, pulled.reports)).applied;
    }
  }
  const stillUnknown = batchId === undefined ? 0 : await em.count(SmsBatchRecipientSchema, { batch: batchId, status: 'unknown' });
  return { applied, stillUnknown };
}
