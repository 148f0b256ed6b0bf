import type { EntityManager } from '@mikro-orm/core';
import { ComplianceDecisionSchema } from '../compliance/compliance-decision.entity.js';
import { DomainError } from '../shared/domain-error.js';
import { normalizePhone } from '../shared/phone.js';
import { recordAudit } from '../audit/audit.service.js';
import { OUTREACH_JOBS, type OutreachDeps } from './outreach-deps.js';
import { SmsBatchSchema } from './sms-batch.entity.js';
import { SmsBatchRecipientSchema } from './sms-batch-recipient.entity.js';
import { smsContent } from './sms-send.service.js';
import { templateByCode } from './sms-template.service.js';
import type { AudienceFilter } from '../customers/audience.js';
import { audiencePhones, type AudienceRecipient } from '../customers/audience.query.js';

export type BatchAudience =
  | { kind: 'phones'; phones: string[] }
  | ({ kind: 'filter' } & AudienceFilter);

export type CreateBatchInput = {
  templateCode: string;
  params: string[];
  audience: BatchAudience;
  scheduledAt?: Date;
  createdBy: number;
  /** The API request that created it (audit). */
  requestId?: string;
};

const INSERT_CHUNK = 1000;

/**
 * Creates a batch and its recipients (one row per distinct number: the (batch, phone) unique key that
 * makes sending idempotent) and queues the batch job. Numbers that are not mainland mobiles are left
 * out, recorded as INVALID_NUMBER refusals and reported back one by one.
 */
export async function createSmsBatch(em: EntityManager, deps: OutreachDeps, input: CreateBatchInput) {
  const template = await templateByCode(em, input.templateCode, { activeOnly: true });
  const content = smsContent(template, input.params);
  if (!template.vendorTemplateId) throw new DomainError('TEMPLATE_NOT_APPROVED', `模板 ${template.code} 还没有运营商模板 ID，不能发送`);
  const now = deps.clock.now();
  const { recipients, rejected } = input.audience.kind === 'phones' ? fromPhoneList(input.audience.phones) : { recipients: await audiencePhones(em, input.audience, now), rejected: [] };
  if (recipients.length === 0) throw new DomainError('BATCH_AUDIENCE_EMPTY', '没有可发送的号码', { rejected });

  const batchId = await em.transactional(async (tx) => {
    const batch = tx.create(SmsBatchSchema, {
      status: 'sending',
      category: template.category,
      template: template.id,
      message: content,
      params: input.params,
      audience: input.audience.kind === 'phones' ? { kind: 'phones', count: input.audience.phones.length } : input.audience,
      totalCount: recipients.length,
      dryRun: deps.sms.dryRun ?? false,
      createdBy: input.createdBy,
      scheduledAt: input.scheduledAt ?? null,
    });
    await tx.flush();
    for (let i = 0; i < recipients.length; i += INSERT_CHUNK) {
      await tx.insertMany(
        SmsBatchRecipientSchema,
        recipients.slice(i, i + INSERT_CHUNK).map((r) => ({ batch: batch.id, phone: r.e164, phoneLast8: r.last8, customer: r.customerId, status: 'pending' as const, createdAt: now, updatedAt: now })),
      );
    }
    for (const r of rejected) {
      tx.create(ComplianceDecisionSchema, { rawNumber: r.phoneNumber.slice(0, 40), channel: 'sms', purpose: template.category === 'marketing' ? 'marketing' : 'service', outcome: 'refused', reason: 'INVALID_NUMBER', subjectType: 'sms_batch', subjectId: String(batch.id), createdAt: now });
    }
    recordAudit(tx, { actorStaffId: input.createdBy, action: 'sms_batch.create', targetType: 'sms_batch', targetId: batch.id, channel: 'api', requestId: input.requestId, details: { template: template.code, recipients: recipients.length, rejected: rejected.length } });
    return batch.id;
  });
  await deps.jobs.enqueue(OUTREACH_JOBS.batch, { batchId }, { runAt: input.scheduledAt ?? now, uniqueKey: `sms-batch-${batchId}` });
  return { batchId, status: 'sending', total: recipients.length, content, rejected, dryRun: deps.sms.dryRun ?? false };
}

function fromPhoneList(phones: string[]): { recipients: AudienceRecipient[]; rejected: Array<{ phoneNumber: string; reason: 'INVALID_NUMBER' }> } {
  const seen = new Set<string>();
  const recipients: AudienceRecipient[] = [];
  const rejected: Array<{ phoneNumber: string; reason: 'INVALID_NUMBER' }> = [];
  for (const raw of phones) {
    const phone = normalizePhone(raw);
    if (phone?.kind !== 'mobile') rejected.push({ phoneNumber: raw, reason: 'INVALID_NUMBER' });
    else if (!seen.has(phone.e164)) {
      seen.add(phone.e164);
      recipients.push({ e164: phone.e164, last8: phone.last8, customerId: null });
    }
  }
  return { recipients, rejected };
}

/** Progress of a batch: counts by state, skips by reason, and the share of recipients that are settled. */
export async function smsBatchReport(em: EntityManager, batchId: number) {
  const batch = await em.findOne(SmsBatchSchema, { id: batchId }, { populate: ['template'] });
  if (!batch) throw new DomainError('SMS_BATCH_NOT_FOUND', `批量短信 ${batchId} 不存在`);
  const rows = await em
    .getConnection()
    .execute<Array<{ status: string; reason: string | null; n: number | string }>>(
      'select status, reason, count(*) as n from sms_batch_recipients where batch_id = ? group by status, reason',
      [batchId],
    );
  const counts = { pending: 0, sent: 0, unknown: 0, delivered: 0, failed: 0, skipped: 0 };
  const skippedByReason: Record<string, number> = {};
  const failedByReason: Record<string, number> = {};
  for (const row of rows) {
    const n = Number(row.n);
    counts[row.status as keyof typeof counts] += n;
    if (row.status === 'skipped') skippedByReason[row.reason ?? 'UNKNOWN'] = (skippedByReason[row.reason ?? 'UNKNOWN'] ?? 0) + n;
    if (row.status === 'failed') failedByReason[row.reason ?? 'UNKNOWN'] = (failedByReason[row.reason ?? 'UNKNOWN'] ?? 0) + n;
  }
  const total = Object.values(counts).reduce((a, b) => a + b, 0);
  const processed = total - counts.pending;
  return {
    batchId: batch.id,
    status: batch.status,
    template: batch.template?.getEntity().code ?? null,
    content: batch.message,
    total,
    // "sent" counts everything the carrier accepted, delivered or not yet.
    sent: counts.sent + counts.delivered,
    delivered: counts.delivered,
    failed: counts.failed,
    unknown: counts.unknown,
    pending: counts.pending,
    skipped: counts.skipped,
    skippedByReason,
    failedByReason,
    progress: total === 0 ? 100 : Math.floor((processed / total) * 100),
    dryRun: batch.dryRun,
    startedAt: batch.startedAt ?? null,
    completedAt: batch.completedAt ?? null,
  };
}
