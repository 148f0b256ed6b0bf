import type { EntityManager } from '@mikro-orm/core';
import { recordAudit } from '../audit/audit.service.js';
import type { AuditChannel } from '../audit/audit-log.entity.js';
import { authorize, type Actor } from '../auth/actor.js';
import { auditedBy } from '../auth/staff-actor.js';
import { customerIdForPhone } from '../customers/phone-resolution.js';
import { CustomerSchema } from '../customers/customer.entity.js';
import { DomainError } from '../shared/domain-error.js';
import { csvCell } from '../shared/csv-cell.js';
import { maskPhone, normalizePhone } from '../shared/phone.js';
import { CONTACT_CHANNELS, type ContactChannel } from '../shared/vocabulary.js';
import { consentStates, recordConsent } from './consent-ledger.service.js';
import { ConsentSchema, type Consent, type ConsentState } from './consent.entity.js';

/** What staff record: a grant, a revocation (the customer withdrew) or a blacklisting (never contact). */
export const CONSENT_ACTIONS = ['grant', 'revoke', 'blacklist'] as const;
export type ConsentAction = (typeof CONSENT_ACTIONS)[number];
const STATE_OF: Record<ConsentAction, ConsentState> = { grant: 'granted', revoke: 'revoked', blacklist: 'blacklisted' };

export type ConsentDecision = {
  phone: string;
  channels: readonly ContactChannel[];
  action: ConsentAction;
  /** Where it came from: signed_form, phone_call, miniapp, import, email, … */
  source: string;
  /** What proves it; required for a grant (consent with evidence). */
  evidence?: string | null;
  textVersion?: string | null;
  reason?: string | null;
  customerId?: string | null;
  /** When the customer decided (a signed form's date); defaults to now. */
  at?: Date;
};

/**
 * Records one decision for a number on one or more channels in the one consent ledger. The customer is
 * the one given or, when none is given, the one the customers module resolves the number to. A grant needs
 * its evidence, and never lifts a blacklisting (409 CONSENT_BLACKLISTED_CONFLICT): a blacklisted number
 * stays blacklisted.
 */
export async function recordConsentDecision(em: EntityManager, actor: Actor, input: ConsentDecision) {
  authorize(actor, 'consent:record', '登记授权');
  const problems: { field: string; message: string }[] = [];
  const phone = normalizePhone(input.phone);
  if (!phone) problems.push({ field: 'phone', message: '号码格式不正确' });
  if (input.action === 'grant' && !input.evidence?.trim()) problems.push({ field: 'evidence', message: '登记授权必须提供凭证（如签字表单编号、录音编号）' });
  if (input.at && input.at.getTime() > Date.now() + 60_000) problems.push({ field: 'at', message: '时间不能晚于现在' });
  if (problems.length) throw new DomainError('VALIDATION_FAILED', '授权信息不合法', { fields: problems });
  const e164 = phone!.e164;
  return em.transactional(async (tx) => {
    let customerId = input.customerId ?? null;
    if (customerId && !(await tx.count(CustomerSchema, { id: customerId }))) throw new DomainError('CUSTOMER_NOT_FOUND', `客户 ${customerId} 不存在`);
    customerId ??= await customerIdForPhone(tx, phone!);
    await appendDecision(tx, { ...input, phone: e164, customerId, recordedBy: actor.staffId }, auditedBy(actor));
    return consentOverview(tx, e164);
  });
}

/**
 * A customer's own choice in the mini-program: grant or withdraw marketing consent on one channel, with
 * the version of the consent text they were shown; the evidence names their mini-program identity.
 */
export async function recordCustomerChoice(
  em: EntityManager,
  input: { customerId: string; phone: string; identityId: number; channel: ContactChannel; choice: 'grant' | 'withdraw'; textVersion: string; requestId?: string },
) {
  const phone = normalizePhone(input.phone);
  if (!phone) throw new DomainError('INVALID_PHONE_NUMBER', '号码格式不正确');
  return em.transactional(async (tx) => {
    await appendDecision(
      tx,
      {
        phone: phone.e164,
        channels: [input.channel],
        action: input.choice === 'grant' ? 'grant' : 'revoke',
        source: 'miniapp',
        evidence: `小程序用户 #${input.identityId} 勾选授权文本 ${input.textVersion}`,
        textVersion: input.textVersion,
        customerId: input.customerId,
        recordedBy: null,
      },
      { channel: 'miniapp', actorStaffId: null, ...(input.requestId ? { requestId: input.requestId } : {}) },
    );
    return consentOverview(tx, phone.e164);
  });
}

/** Appends one row per channel; a grant on a blacklisted channel is refused as a whole. */
async function appendDecision(
  tx: EntityManager,
  input: ConsentDecision & { customerId: string | null; recordedBy: number | null },
  audit: { channel: AuditChannel; actorStaffId: number | null; requestId?: string },
) {
  const channels = [...new Set(input.channels)];
  if (input.action === 'grant') {
    const blocked: ContactChannel[] = [];
    for (const channel of channels) if ((await consentStates(tx, [input.phone], channel)).get(input.phone) === 'blacklisted') blocked.push(channel);
    if (blocked.length) throw new DomainError('CONSENT_BLACKLISTED_CONFLICT', `该号码在 ${blocked.join('、')} 渠道已列入黑名单，不能登记授权`, { channels: blocked });
  }
  for (const channel of channels) {
    recordConsent(
      tx,
      { phone: input.phone, channel, state: STATE_OF[input.action], source: input.source, evidence: input.evidence ?? null, textVersion: input.textVersion ?? null, reason: input.reason ?? null, customerId: input.customerId, recordedBy: input.recordedBy, at: input.at },
      audit,
    );
  }
  await tx.flush();
}

/** The state in force per channel ('none' without any record) and the number's full history, newest first. */
export async function consentOf(em: EntityManager, actor: Actor, rawPhone: string) {
  authorize(actor, 'consent:view', '查看授权');
  const phone = normalizePhone(rawPhone);
  if (!phone) throw new DomainError('INVALID_PHONE_NUMBER', '号码格式不正确', { fields: [{ field: 'phone', message: '号码格式不正确' }] });
  return consentOverview(em, phone.e164);
}

export async function consentOverview(em: EntityManager, e164: string) {
  const rows = await em.find(ConsentSchema, { phone: e164 }, { orderBy: { recordedAt: 'desc', id: 'desc' }, disableIdentityMap: true });
  const channels = CONTACT_CHANNELS.map((channel) => {
    const current = rows.find((r) => r.channel === channel);
    return { channel, state: current?.state ?? ('none' as const), since: current?.recordedAt ?? null, source: current?.source ?? null };
  });
  return { phone: maskPhone(e164), channels, history: rows.map(consentItem) };
}

/** A ledger row as lists show it: the number masked. */
export function consentItem(row: Consent) {
  return {
    id: row.id,
    phone: maskPhone(row.phone),
    customerId: row.customer?.id ?? null,
    channel: row.channel,
    state: row.state,
    source: row.source,
    evidence: row.evidence ?? null,
    textVersion: row.textVersion ?? null,
    reason: row.reason ?? null,
    recordedBy: row.recordedBy ?? null,
    recordedAt: row.recordedAt,
  };
}

export type ConsentListQuery = { page: number; size: number; order: 'asc' | 'desc'; phone?: string; channel?: ContactChannel; state?: ConsentState; source?: string; customerId?: string };

/** The ledger, one page, newest first by default; filtered by number (any spelling), channel, state, source, customer. */
export async function listConsents(em: EntityManager, actor: Actor, q: ConsentListQuery) {
  authorize(actor, 'consent:view', '查看授权');
  const where: Record<string, unknown> = {};
  if (q.phone) {
    const phone = normalizePhone(q.phone);
    if (!phone) throw new DomainError('INVALID_PHONE_NUMBER', '号码格式不正确', { fields: [{ field: 'phone', message: '号码格式不正确' }] });
    where.phone = phone.e164;
  }
  if (q.channel) where.channel = q.channel;
  if (q.state) where.state = q.state;
  if (q.source) where.source = q.source;
  if (q.customerId) where.customer = q.customerId;
  const [rows, total] = await em.findAndCount(ConsentSchema, where, { orderBy: { recordedAt: q.order, id: q.order }, limit: q.size, offset: (q.page - 1) * q.size, disableIdentityMap: true });
  return { rows: rows.map(consentItem), total };
}

const CSV_HEADER = ['id', 'phone', 'customer_id', 'channel', 'state', 'source', 'evidence', 'text_version', 'reason', 'recorded_by', 'recorded_at'];

/**
 * The whole ledger as CSV lines for an audit (full numbers: it is the record a regulator asks for),
 * read in pages of `chunk` rows by id so any size streams; the export itself is audited.
 */
export async function* exportConsentsCsv(em: EntityManager, actor: Actor, chunk = 2000): AsyncGenerator<string> {
  authorize(actor, 'consent:export', '导出授权台账');
  const audit = em.fork();
  recordAudit(audit, { ...auditedBy(actor), action: 'consent.export', targetType: 'consents', targetId: null });
  await audit.flush();
  yield '\uFEFF' + CSV_HEADER.join(',') + '\r\n';
  let after = 0;
  for (;;) {
    const rows = await em.find(ConsentSchema, { id: { $gt: after } }, { orderBy: { id: 'asc' }, limit: chunk, disableIdentityMap: true });
    if (rows.length === 0) return;
    yield rows
      .map((r) => [r.id, r.phone, r.customer?.id ?? '', r.channel, r.state, r.source, r.evidence ?? '', r.textVersion ?? '', r.reason ?? '', r.recordedBy ?? '', r.recordedAt.toISOString()].map(csvCell).join(',') + '\r\n')
      .join('');
    after = rows.at(-1)!.id;
  }
}
