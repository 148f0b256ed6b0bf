import { randomUUID } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/core';
import { checkCompliance } from '../compliance/compliance.service.js';
import { withOptOut } from '../compliance/compliance.policy.js';
import { customerIdForPhone } from '../customers/phone-resolution.js';
import { DomainError } from '../shared/domain-error.js';
import { normalizePhone } from '../shared/phone.js';
import type { SmsCategory } from '../shared/vocabulary.js';
import { ContactHistorySchema, type ContactHistoryType } from './contact-history.entity.js';
import { OUTREACH_JOBS, type OutreachDeps } from './outreach-deps.js';
import { dispatchChunk } from './sms-dispatch.js';
import { SmsLogSchema, type SmsLog } from './sms-log.entity.js';
import { templateByCode } from './sms-template.service.js';
import type { SmsTemplate } from './sms-template.entity.js';
import { renderTemplate } from './sms-template.rules.js';
import { refusalError } from './refusal-error.js';
import { requireCustomer } from './outreach-customer.js';

export type SendSmsInput = {
  phoneNumber: string;
  templateCode: string;
  params: string[];
  /** Seed 000 sends `message` too; it must be what the template renders to (carriers send approved templates only). */
  message?: string;
  customerId?: string;
  historyType?: ContactHistoryType;
  staffId: number | null;
};

export type SendSmsResult = {
  messageId: string;
  status: 'sent' | 'deferred' | 'failed' | 'unknown' | 'retrying';
  content: string;
  serialNo?: string | null;
  deferredUntil?: Date;
  error?: string;
  /** Recorded by the dry-run gateway: nothing was sent. */
  dryRun: boolean;
};

const HISTORY_TYPE: Record<SmsCategory, ContactHistoryType> = {
  marketing: 'invitation',
  notification: 'follow_up',
  reminder: 'reminder',
  verification: 'reminder',
};

/** The text a template sends: rendered with params, marketing with the opt-out sentence. */
export function smsContent(template: SmsTemplate, params: readonly string[]): string {
  const text = renderTemplate(template.content, params);
  return template.category === 'marketing' ? withOptOut(text) : text;
}

/**
 * One SMS to one number: template rendered, compliance consulted (a refusal is recorded and answered
 * with its code; quiet hours defer it to a job at the next window), the send record and the contact
 * history committed before the carrier is called, the carrier's answer written back.
 */
export async function sendSms(em: EntityManager, deps: OutreachDeps, input: SendSmsInput): Promise<SendSmsResult> {
  const template = await templateByCode(em, input.templateCode, { activeOnly: true });
  if (input.customerId) await requireCustomer(em, input.customerId);
  const content = smsContent(template, input.params);
  if (input.message !== undefined && input.message.trim() !== content && input.message.trim() !== renderTemplate(template.content, input.params)) {
    throw new DomainError('CONTENT_NOT_TEMPLATE', `短信内容与模板 ${template.code} 渲染结果不一致（运营商只下发已审核模板）`, {
      fields: [{ field: 'message', message: '必须与模板渲染后的内容一致' }],
      rendered: content,
    });
  }
  if (!template.vendorTemplateId) throw new DomainError('TEMPLATE_NOT_APPROVED', `模板 ${template.code} 还没有运营商模板 ID，不能发送`);
  const now = deps.clock.now();
  const purpose = template.category === 'marketing' ? 'marketing' : 'service';
  const messageId = randomUUID();
  const requestId = randomUUID();
  const dryRun = deps.sms.dryRun ?? false;

  const prepared = await em.transactional(async (tx) => {
    const [check] = await checkCompliance(tx, { phones: [input.phoneNumber], channel: 'sms', purpose, content, subjectType: 'sms_log', subjectIds: [messageId], dryRun }, deps.compliance, now);
    const verdict = check!.verdict;
    if (verdict.kind === 'refuse') return { verdict };
    const phone = normalizePhone(input.phoneNumber)!;
    const customerId = input.customerId ?? (await customerIdForPhone(tx, phone));
    const log = tx.create(SmsLogSchema, {
      messageId,
      phoneNumber: phone.e164,
      phoneNumberLast8: phone.last8,
      content,
      templateId: template.code,
      category: template.category,
      status: 'pending',
      requestId: verdict.kind === 'allow' ? requestId : null,
      dryRun,
    });
    tx.create(ContactHistorySchema, {
      customer: customerId,
      phone: phone.e164,
      phoneLast8: phone.last8,
      channel: 'sms',
      type: input.historyType ?? HISTORY_TYPE[template.category],
      content,
      status: verdict.kind === 'allow' ? 'sending' : 'deferred',
      smsMessageId: messageId,
      dryRun,
      createdBy: input.staffId,
    });
    return { verdict, log: log.messageId };
  });

  if (prepared.verdict.kind === 'refuse') {
    throw refusalError(prepared.verdict.reason);
  }
  // The transaction worked on its own fork; continue on this request's unit of work.
  const log = await em.findOneOrFail(SmsLogSchema, { messageId: prepared.log! });
  if (prepared.verdict.kind === 'defer') {
    await deps.jobs.enqueue(OUTREACH_JOBS.sendPending, { messageId, params: input.params }, { runAt: prepared.verdict.until });
    return { messageId, status: 'deferred', content, deferredUntil: prepared.verdict.until, dryRun };
  }
  return deliver(em, deps, log, template, input.params, requestId);
}

async function deliver(em: EntityManager, deps: OutreachDeps, log: SmsLog, template: SmsTemplate, params: string[], requestId: string): Promise<SendSmsResult> {
  const summary = await dispatchChunk(em, deps.sms, { requestId, vendorTemplateId: template.vendorTemplateId!, params, rows: [{ log }] }, deps.clock.now());
  const base = { messageId: log.messageId, content: log.content, serialNo: log.serialNo ?? null, dryRun: log.dryRun };
  if (summary.sent) return { ...base, status: 'sent' };
  if (summary.unknown) return { ...base, status: 'unknown', error: log.errorMessage ?? undefined };
  if (summary.retry) {
    const runAt = new Date(deps.clock.now().getTime() + (summary.retryAfterMs ?? 60_000));
    await deps.jobs.enqueue(OUTREACH_JOBS.sendPending, { messageId: log.messageId, params }, { runAt });
    return { ...base, status: 'retrying', deferredUntil: runAt, error: log.errorMessage ?? undefined };
  }
  return { ...base, status: 'failed', error: log.errorMessage ?? undefined };
}

/**
 * The job half of a deferred or throttled send: compliance is asked again (consent may have been
 * withdrawn meanwhile, the window may still be closed), then the same sms_logs row is sent.
 */
export async function sendPendingSms(em: EntityManager, deps: OutreachDeps, input: { messageId: string; params: string[] }): Promise<SendSmsResult | null> {
  const log = await em.findOne(SmsLogSchema, { messageId: input.messageId });
  // A row with a request id was handed to the carrier (or is being): it is settled, never sent again.
  if (!log || log.status !== 'pending' || log.serialNo || log.requestId) return null;
  const template = await templateByCode(em, log.templateId ?? '', { activeOnly: false });
  const now = deps.clock.now();
  const purpose = template.category === 'marketing' ? 'marketing' : 'service';
  const [check] = await checkCompliance(em, { phones: [log.phoneNumber], channel: 'sms', purpose, content: log.content, subjectType: 'sms_log', subjectIds: [log.messageId], dryRun: log.dryRun }, deps.compliance, now);
  const verdict = check!.verdict;
  if (verdict.kind === 'defer') {
    await em.flush();
    await deps.jobs.enqueue(OUTREACH_JOBS.sendPending, input, { runAt: verdict.until });
    return { messageId: log.messageId, status: 'deferred', content: log.content, deferredUntil: verdict.until, dryRun: log.dryRun };
  }
  if (verdict.kind === 'refuse') {
    Object.assign(log, { status: 'failed', errorMessage: `${verdict.reason}: refused when the deferred send was due` });
    await em.flush();
    return { messageId: log.messageId, status: 'failed', content: log.content, error: verdict.reason, dryRun: log.dryRun };
  }
  const requestId = randomUUID();
  // Marked by the gateway that sends it now (the process may have restarted with another carrier setting).
  Object.assign(log, { requestId, dryRun: deps.sms.dryRun ?? false });
  await em.flush();
  return deliver(em, deps, log, template, input.params, requestId);
}
