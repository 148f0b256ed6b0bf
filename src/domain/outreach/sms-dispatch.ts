import type { EntityManager } from '@mikro-orm/core';
import { recordConsent } from '../compliance/consent-ledger.service.js';
import type { SmsGateway, SmsOutcome } from '../ports/sms-gateway.port.js';
import type { SmsLog } from './sms-log.entity.js';
import { followSmsOutcome } from './contact-history.sms.js';
import type { SmsBatchRecipient } from './sms-batch-recipient.entity.js';

/** One number of a send request: its sms_logs row and, for batches, its recipient row (both managed). */
export type ChunkRow = { log: SmsLog; recipient?: SmsBatchRecipient };

export type ChunkSummary = {
  sent: number;
  failed: number;
  /** May have been sent (timeout after sending): never resent blindly; settled by receipts or a pull. */
  unknown: number;
  /** Not sent, to be tried again (carrier throttling or an outage before acceptance). */
  retry: number;
  retryAfterMs?: number;
  failureCodes: Record<string, number>;
};

/**
 * Hands one request (≤ 200 numbers sharing template and parameters) to the carrier and writes every
 * number's outcome to its rows. The rows were committed before this call, so a crash during it leaves
 * them claimed (`unknown`), not re-sendable.
 */
export async function dispatchChunk(
  em: EntityManager,
  gateway: SmsGateway,
  input: { requestId: string; vendorTemplateId: string; params: string[]; rows: ChunkRow[] },
  now = new Date(),
): Promise<ChunkSummary> {
  const summary: ChunkSummary = { sent: 0, failed: 0, unknown: 0, retry: 0, failureCodes: {} };
  const result = await gateway.send({
    requestId: input.requestId,
    phones: input.rows.map((r) => r.log.phoneNumber),
    templateId: input.vendorTemplateId,
    params: input.params,
  });
  if (!result.ok) {
    for (const row of input.rows) {
      if (result.code === 'OUTCOME_UNKNOWN') markUnknown(row, result.message, summary);
      else if (result.retryable) markRetry(row, `${result.code}: ${result.message}`, summary);
      else markFailed(row, result.code, result.message, summary);
    }
  } else {
    const byPhone = new Map(result.outcomes.map((o) => [o.phone, o]));
    for (const row of input.rows) applyOutcome(em, row, byPhone.get(row.log.phoneNumber), summary, now);
  }
  await em.flush();
  await followSmsOutcome(em, input.rows.map((r) => r.log));
  return summary;
}

function applyOutcome(em: EntityManager, row: ChunkRow, outcome: SmsOutcome | undefined, summary: ChunkSummary, now: Date): void {
  if (!outcome) return markUnknown(row, 'carrier answered without this number', summary);
  switch (outcome.status) {
    case 'sent':
      summary.sent += 1;
      Object.assign(row.log, { status: 'sent', serialNo: outcome.serialNo, sentAt: now, errorMessage: null });
      if (row.recipient) Object.assign(row.recipient, { status: 'sent', serialNo: outcome.serialNo, sentAt: now, reason: null });
      return;
    case 'deferred':
      markRetry(row, outcome.code, summary);
      summary.retryAfterMs = Math.max(summary.retryAfterMs ?? 0, outcome.retryAfterMs ?? 60_000);
      return;
    case 'opted_out':
      recordConsent(em, { phone: row.log.phoneNumber, channel: 'sms', state: 'opted_out', source: 'carrier_blacklist', reason: outcome.code, at: now });
      return markFailed(row, 'OPTED_OUT', outcome.code, summary);
    case 'failed':
      return markFailed(row, outcome.code, outcome.message, summary);
  }
}

function markFailed(row: ChunkRow, code: string, message: string, summary: ChunkSummary): void {
  summary.failed += 1;
  summary.failureCodes[code] = (summary.failureCodes[code] ?? 0) + 1;
  Object.assign(row.log, { status: 'failed', errorMessage: `${code}: ${message}`.slice(0, 1000) });
  if (row.recipient) Object.assign(row.recipient, { status: 'failed', reason: code.slice(0, 255) });
}

/** Maybe sent: the row keeps its request id, which marks it as never to be sent again (only settled). */
function markUnknown(row: ChunkRow, message: string, summary: ChunkSummary): void {
  summary.unknown += 1;
  Object.assign(row.log, { status: 'pending', errorMessage: `OUTCOME_UNKNOWN: ${message}`.slice(0, 1000) });
  if (row.recipient) Object.assign(row.recipient, { status: 'unknown', reason: 'OUTCOME_UNKNOWN' });
}

function markRetry(row: ChunkRow, reason: string, summary: ChunkSummary): void {
  summary.retry += 1;
  // The carrier did not take it: releasing the request id makes the row sendable again.
  Object.assign(row.log, { status: 'pending', requestId: null, errorMessage: reason.slice(0, 1000) });
  if (row.recipient) Object.assign(row.recipient, { status: 'pending', requestId: null, reason: reason.slice(0, 255) });
}
