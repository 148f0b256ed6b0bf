import type { EntityManager } from '@mikro-orm/core';
import { recordAudit } from '../audit/audit.service.js';
import type { AuditChannel } from '../audit/audit-log.entity.js';
import { DomainError } from '../shared/domain-error.js';
import { maskPhone, normalizePhone } from '../shared/phone.js';
import type { ContactChannel } from '../shared/vocabulary.js';
import { ConsentSchema, type ConsentState } from './consent.entity.js';
import { insertConsentOnce } from './consent.query.js';

export type ConsentEntry = {
  phone: string;
  channel: ContactChannel;
  state: ConsentState;
  /** Where the decision came from: sms_reply, miniapp, staff, vendor_blacklist, import, … */
  source: string;
  reason?: string | null;
  /** What proves it (a signed form's reference, an import's file and line, the consent text shown). */
  evidence?: string | null;
  /** The version of the consent text the customer accepted (mini-program). */
  textVersion?: string | null;
  customerId?: string | null;
  recordedBy?: number | null;
  at?: Date;
};

/**
 * The consent ledger is append-only: every grant, opt-out, revocation and blacklisting is a new row with
 * its source and time; the latest row for a number and channel is the state in force.
 */
export function recordConsent(em: EntityManager, entry: ConsentEntry, audit?: { channel: AuditChannel; actorStaffId: number | null; requestId?: string }): void {
  const { phone, row } = ledgerRow(entry);
  em.create(ConsentSchema, row);
  if (audit) {
    recordAudit(em, { ...audit, action: `consent.${entry.state}`, targetType: 'phone', targetId: maskPhone(phone.e164), details: { channel: entry.channel, source: entry.source } });
  }
}

/** The ledger row of an entry, its number normalised (422 INVALID_PHONE_NUMBER when it is not a number). */
function ledgerRow(entry: ConsentEntry) {
  const phone = normalizePhone(entry.phone);
  if (!phone) throw new DomainError('INVALID_PHONE_NUMBER', `号码格式不正确: ${entry.phone}`, { fields: [{ field: 'phone', message: '号码格式不正确' }] });
  const row = {
    customer: entry.customerId ?? null,
    phone: phone.e164,
    phoneLast8: phone.last8,
    channel: entry.channel,
    state: entry.state,
    source: entry.source,
    reason: entry.reason ?? null,
    evidence: entry.evidence ?? null,
    textVersion: entry.textVersion ?? null,
    recordedBy: entry.recordedBy ?? null,
    recordedAt: entry.at ?? new Date(),
  };
  return { phone, row };
}

/**
 * Appends a ledger row for an outside event that may be delivered more than once (a carrier callback
 * replayed): the row carries `dedupKey` and is written with one insert that does nothing when a row with
 * that key exists, so of any number of concurrent deliveries exactly one is recorded (and audited).
 * Resolves true when this call recorded it. Runs its own statements (not the unit of work).
 */
export async function recordConsentOnce(
  em: EntityManager,
  entry: ConsentEntry & { dedupKey: string },
  audit?: { channel: AuditChannel; actorStaffId: number | null; requestId?: string },
): Promise<boolean> {
  const { phone, row } = ledgerRow(entry);
  return em.transactional(async (tx) => {
    const inserted = await insertConsentOnce(tx, { ...row, dedupKey: entry.dedupKey });
    if (!inserted) return false;
    if (audit) {
      recordAudit(tx, { ...audit, action: `consent.${entry.state}`, targetType: 'phone', targetId: maskPhone(phone.e164), details: { channel: entry.channel, source: entry.source } });
    }
    return true;
  });
}

/** The state in force per E.164 number for one channel (numbers without any row are absent). */
export async function consentStates(em: EntityManager, phones: string[], channel: ContactChannel): Promise<Map<string, ConsentState>> {
  const states = new Map<string, ConsentState>();
  if (phones.length === 0) return states;
  const rows = await em.find(
    ConsentSchema,
    { phone: { $in: phones }, channel },
    { fields: ['phone', 'state', 'recordedAt'], orderBy: { recordedAt: 'asc', id: 'asc' }, disableIdentityMap: true },
  );
  for (const row of rows) if (row.phone) states.set(row.phone, row.state);
  return states;
}
