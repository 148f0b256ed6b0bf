import { randomUUID } from 'node:crypto';
import { LockMode, type EntityManager } from '@mikro-orm/core';
import { checkCompliance } from '../compliance/compliance.service.js';
import { ContactHistorySchema } from './contact-history.entity.js';
import { OUTREACH_JOBS, type OutreachDeps } from './outreach-deps.js';
import { dispatchChunk, type ChunkRow } from './sms-dispatch.js';
import { SmsBatchSchema, type SmsBatch } from './sms-batch.entity.js';
import { SmsBatchRecipientSchema, type SmsBatchRecipient } from './sms-batch-recipient.entity.js';
import { smsContent } from './sms-send.service.js';
import { SmsLogSchema } from './sms-log.entity.js';
import { SmsTemplateSchema, type SmsTemplate } from './sms-template.entity.js';

export type BatchRunResult =
  | { state: 'completed'; sent: number; unknown: number }
  | { state: 'resume_later'; at: Date; reason: 'QUIET_HOURS' | 'CARRIER_THROTTLED' | 'CARRIER_UNAVAILABLE' }
  | { state: 'not_sendable'; status: string };

/**
 * Sends a batch chunk by chunk. Each chunk is claimed in one transaction that also writes its send
 * records (sms_logs, contact_history) — the recipient row moves pending → unknown there — and only then
 * goes to the carrier, one request per parameter set (a recipient may carry its own parameters, e.g. a
 * campaign member's personal link). A crash at any point leaves every number either still `pending` (never sent:
 * picked up on resume) or `unknown`/settled (never sent again), so a resumed run sends no number twice.
 */
export async function runSmsBatch(
  newEm: () => EntityManager,
  deps: OutreachDeps,
  batchId: number,
  heartbeat: (progress: number) => Promise<void> = async () => {},
): Promise<BatchRunResult> {
  const em = newEm();
  const batch = await em.findOne(SmsBatchSchema, { id: batchId });
  if (!batch || !['sending', 'approved'].includes(batch.status)) return { state: 'not_sendable', status: batch?.status ?? 'missing' };
  const template = await em.findOneOrFail(SmsTemplateSchema, { id: batch.template!.id });
  if (!batch.startedAt) {
    batch.startedAt = deps.clock.now();
    await em.flush();
  }
  let sent = 0;
  let unknown = 0;
  for (;;) {
    const chunkEm = newEm();
    const claim = await claimChunk(chunkEm, deps, batch, template);
    if (claim.kind === 'done') break;
    if (claim.kind === 'defer') return { state: 'resume_later', at: claim.until, reason: 'QUIET_HOURS' };
    // One carrier request per parameter set (carriers take one set per request): a shared-parameter
    // batch sends its chunk at once, a batch of personal parameters (a campaign's links) one number each.
    let retrying = false;
    let retryAfterMs = 0;
    for (const request of claim.requests) {
      const summary = await dispatchChunk(chunkEm, deps.sms, { requestId: request.requestId, vendorTemplateId: template.vendorTemplateId!, params: request.params, rows: request.rows }, deps.clock.now());
      sent += summary.sent;
      unknown += summary.unknown;
      if (summary.retry > 0) {
        retrying = true;
        retryAfterMs = Math.max(retryAfterMs, summary.retryAfterMs ?? 0);
      }
    }
    if (retrying) {
      const at = new Date(deps.clock.now().getTime() + (retryAfterMs || 30_000));
      return { state: 'resume_later', at, reason: retryAfterMs ? 'CARRIER_THROTTLED' : 'CARRIER_UNAVAILABLE' };
    }
    await heartbeat(sent);
  }
  await finish(newEm(), deps, batchId, unknown);
  return { state: 'completed', sent, unknown };
}

type CarrierRequest = { requestId: string; params: string[]; rows: ChunkRow[] };
type Claim = { kind: 'done' } | { kind: 'defer'; until: Date } | { kind: 'rows'; requests: CarrierRequest[] };

async function claimChunk(em: EntityManager, deps: OutreachDeps, batch: SmsBatch, template: SmsTemplate): Promise<Claim> {
  const now = deps.clock.now();
  await em.begin();
  try {
    const pending = await em.find(
      SmsBatchRecipientSchema,
      { batch: batch.id, status: 'pending' },
      { orderBy: { id: 'asc' }, limit: deps.batch.chunkSize, lockMode: LockMode.PESSIMISTIC_PARTIAL_WRITE },
    );
    if (pending.length === 0) {
      await em.commit();
      return { kind: 'done' };
    }
    const purpose = batch.category === 'marketing' ? 'marketing' : 'service';
    const dryRun = deps.sms.dryRun ?? false;
    // A recipient with its own parameters gets its own rendering; the others share the batch's message.
    const contentOf = (r: SmsBatchRecipient) => (r.params ? smsContent(template, r.params) : (batch.message ?? ''));
    const checks = await checkCompliance(
      em,
      { phones: pending.map((r) => r.phone), channel: 'sms', purpose, content: batch.message ?? undefined, subjectType: 'sms_batch_recipient', subjectIds: pending.map((r) => String(r.id)), dryRun },
      deps.compliance,
      now,
    );
    const deferral = checks.find((c) => c.verdict.kind === 'defer');
    if (deferral && deferral.verdict.kind === 'defer') {
      await em.rollback();
      return { kind: 'defer', until: deferral.verdict.until };
    }
    const requests = new Map<string, CarrierRequest>();
    pending.forEach((recipient, i) => {
      const verdict = checks[i]!.verdict;
      if (verdict.kind === 'refuse') {
        Object.assign(recipient, { status: 'skipped', reason: verdict.reason });
        return;
      }
      const params = recipient.params ?? batch.params;
      const key = recipient.params ? `r${recipient.id}` : 'batch';
      let request = requests.get(key);
      if (!request) requests.set(key, (request = { requestId: randomUUID(), params, rows: [] }));
      const requestId = request.requestId;
      const content = contentOf(recipient);
      const messageId = `b${batch.id}-r${recipient.id}`;
      Object.assign(recipient, { status: 'unknown', requestId, messageId, reason: null });
      const log = em.create(SmsLogSchema, {
        messageId,
        phoneNumber: recipient.phone,
        phoneNumberLast8: recipient.phoneLast8,
        content,
        templateId: template.code,
        category: batch.category,
        status: 'pending',
        requestId,
        dryRun,
        createdAt: now,
        updatedAt: now,
      });
      em.create(ContactHistorySchema, {
        customer: recipient.customer?.id ?? null,
        phone: recipient.phone,
        phoneLast8: recipient.phoneLast8,
        channel: 'sms',
        type: batch.category === 'marketing' ? 'invitation' : batch.category === 'reminder' ? 'reminder' : 'follow_up',
        content,
        status: 'sending',
        smsMessageId: messageId,
        result: `batch ${batch.id}`,
        dryRun,
        createdBy: batch.createdBy ?? null,
        createdAt: now,
      });
      request.rows.push({ log, recipient });
    });
    await em.flush();
    await em.commit();
    return { kind: 'rows', requests: [...requests.values()] };
  } catch (err) {
    await em.rollback().catch(() => {});
    throw err;
  }
}

async function finish(em: EntityManager, deps: OutreachDeps, batchId: number, unknownInThisRun: number): Promise<void> {
  const batch = await em.findOneOrFail(SmsBatchSchema, { id: batchId });
  const [counts] = await em.getConnection().execute<Array<{ unknown: number | string; sent: number | string; delivered: number | string; failed: number | string; skipped: number | string }>>(
    `select
       sum(case when status = 'unknown' then 1 else 0 end) as unknown,
       sum(case when status = 'sent' then 1 else 0 end) as sent,
       sum(case when status = 'delivered' then 1 else 0 end) as delivered,
       sum(case when status = 'failed' then 1 else 0 end) as failed,
       sum(case when status = 'skipped' then 1 else 0 end) as skipped
     from sms_batch_recipients where batch_id = ?`,
    [batchId],
  );
  Object.assign(batch, {
    status: 'completed',
    completedAt: deps.clock.now(),
    sentCount: Number(counts?.sent ?? 0) + Number(counts?.delivered ?? 0),
    deliveredCount: Number(counts?.delivered ?? 0),
    failedCount: Number(counts?.failed ?? 0),
    skippedCount: Number(counts?.skipped ?? 0),
  });
  await em.flush();
  if (Number(counts?.unknown ?? 0) > 0 || unknownInThisRun > 0) {
    await deps.jobs.enqueue(OUTREACH_JOBS.settle, { batchId }, { runAt: new Date(deps.clock.now().getTime() + deps.batch.settleAfterMs) });
  }
}
