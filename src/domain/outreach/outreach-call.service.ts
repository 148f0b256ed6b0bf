import { randomUUID } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/core';
import { checkCompliance } from '../compliance/compliance.service.js';
import type { Purpose } from '../compliance/compliance.policy.js';
import { customerIdForPhone } from '../customers/phone-resolution.js';
import { DomainError } from '../shared/domain-error.js';
import { normalizePhone } from '../shared/phone.js';
import { CallSchema, type CallOutcome } from '../calls/call.entity.js';
import { callLogStatus, type CallLogStatus } from './call-log-status.js';
import { ContactHistorySchema, type ContactHistoryType } from './contact-history.entity.js';
import type { OutreachDeps } from './outreach-deps.js';
import { refusalError } from './refusal-error.js';
import { requireCustomer } from './outreach-customer.js';

export const OUTREACH_CALL_JOB = 'outreach.call';

export type OutreachCallInput = {
  phoneNumber: string;
  /** `service` (a visit's or complaint's follow-up: no marketing consent needed) or `marketing` (the default). */
  purpose?: Purpose;
  scriptId?: string | null;
  scriptContent: string;
  customerId?: string | null;
  historyType?: ContactHistoryType;
  staffId: number | null;
};

/** `dryRun`: placed through the dry-run gateway, no call was made. */
export type OutreachCallResult = { callId: string; status: CallLogStatus | 'deferred'; deferredUntil?: Date; error?: string; dryRun: boolean };

const OUTCOME_BY_FAILURE: Record<string, CallOutcome> = { CALLEE_BUSY: 'busy', NO_ANSWER: 'no_answer', INVALID_NUMBER: 'invalid', REJECTED: 'rejected' };

/**
 * An outreach call (seed 000 §5.3) through the voice port (Tencent voice message or FreeSWITCH):
 * compliance first for its purpose (marketing: consent, ≤ 1 call a month, the marketing window; service:
 * no consent needed, but blacklist, do-not-call, ≤ 1 follow-up call a month and 08:00–21:00 — outside its
 * window the call is queued for the next one), the `calls` row (source outreach; the `call_logs` view) and contact history written, then the call placed.
 */
export async function placeOutreachCall(
  em: EntityManager,
  deps: OutreachDeps,
  input: OutreachCallInput,
  options: { queueIfDeferred?: boolean } = {},
): Promise<OutreachCallResult> {
  const script = input.scriptContent.trim();
  if (!script) throw new DomainError('VALIDATION_FAILED', '外呼脚本不能为空', { fields: [{ field: 'scriptContent', message: '必填' }] });
  if (input.customerId) await requireCustomer(em, input.customerId);
  const callId = randomUUID();
  const now = deps.clock.now();
  const dryRun = deps.voice.dryRun ?? false;
  const prepared = await em.transactional(async (tx) => {
    const [check] = await checkCompliance(tx, { phones: [input.phoneNumber], channel: 'call', purpose: input.purpose ?? 'marketing', subjectType: 'call_log', subjectIds: [callId], dryRun }, deps.compliance, now);
    return check!;
  });
  if (prepared.verdict.kind === 'refuse') throw refusalError(prepared.verdict.reason);
  if (prepared.verdict.kind === 'defer') {
    // A caller that reschedules itself (the invitation job) gets the deferral back instead of a second job.
    if (options.queueIfDeferred !== false) await deps.jobs.enqueue(OUTREACH_CALL_JOB, { ...input, scriptContent: script }, { runAt: prepared.verdict.until });
    return { callId, status: 'deferred', deferredUntil: prepared.verdict.until, dryRun };
  }
  const phone = normalizePhone(input.phoneNumber)!;
  const customerId = input.customerId ?? (await customerIdForPhone(em, phone));
  const log = em.create(CallSchema, {
    uuid: callId,
    direction: 'outbound',
    source: 'outreach',
    callee: phone.e164,
    calleeLast8: phone.last8,
    customer: customerId,
    scriptId: input.scriptId ?? null,
    startedAt: now,
    dryRun,
  });
  const history = em.create(ContactHistorySchema, { customer: customerId, phone: phone.e164, phoneLast8: phone.last8, channel: 'call', type: input.historyType ?? 'follow_up', content: script, status: 'initiated', dryRun, createdBy: input.staffId });
  await em.flush();

  const placed = await deps.voice.placeCall({ callId, to: phone.e164, script, timeoutMs: 10_000 });
  if (placed.ok) {
    history.result = `carrier call ${placed.carrierCallId} (${deps.voice.name})`;
    await em.flush();
    return { callId, status: 'initiated', dryRun };
  }
  if (placed.code === 'OUTCOME_UNKNOWN') {
    // It may be ringing or answered: not a failure (a retry would call the customer twice). The call
    // stays `initiated` until the channel's events settle it (settleOutreachCall).
    log.errorMessage = `OUTCOME_UNKNOWN: ${placed.message}`.slice(0, 1000);
    history.result = `OUTCOME_UNKNOWN (${deps.voice.name}${placed.carrierCallId ? ` ${placed.carrierCallId}` : ''})`;
    await em.flush();
    return { callId, status: 'initiated', error: 'OUTCOME_UNKNOWN', dryRun };
  }
  Object.assign(log, { outcome: OUTCOME_BY_FAILURE[placed.code] ?? 'failed', endedAt: deps.clock.now(), errorMessage: `${placed.code}: ${placed.message}`.slice(0, 1000) });
  const status = callLogStatus(log);
  Object.assign(history, { status, result: placed.code });
  await em.flush();
  return { callId, status, error: placed.code, dryRun };
}
