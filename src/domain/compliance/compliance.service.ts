import type { EntityManager } from '@mikro-orm/core';
import { normalizePhone } from '../shared/phone.js';
import type { ContactChannel } from '../shared/vocabulary.js';
import { SmsLogSchema } from '../outreach/sms-log.entity.js';
import { CallSchema } from '../calls/call.entity.js';
import { ComplianceDecisionSchema } from './compliance-decision.entity.js';
import { consentStates } from './consent-ledger.service.js';
import { evaluateCompliance, SAME_CONTENT_INTERVAL_MS, type ComplianceVerdict, type MarketingWindow, type Purpose } from './compliance.policy.js';

const DAY = 86_400_000;

export type ComplianceSettings = { timeZone: string; window: MarketingWindow };

export type ComplianceRequest = {
  /** Numbers as given; each is normalised, invalid ones are refused with INVALID_NUMBER. */
  phones: string[];
  channel: ContactChannel;
  purpose: Purpose;
  /** The exact text, for the "same content at most once per 30 s" rule. */
  content?: string;
  subjectType: string;
  /** Per number (in the order of `phones`) the id of the send it belongs to, for the decision record. */
  subjectIds?: Array<string | null>;
  /**
   * The send goes through a dry-run gateway. Frequency caps count sends of the same kind only: dry-run
   * sends never use up a real cap, and real sends do not block a dry run.
   */
  dryRun?: boolean;
};

export type ComplianceResult = { raw: string; e164: string | null; verdict: ComplianceVerdict };

/**
 * Gathers the facts for many recipients with a handful of indexed queries (ledger, recent marketing SMS,
 * recent calls, identical content), applies the policy, and writes a decision row for every refusal or
 * deferral into the unit of work.
 */
export async function checkCompliance(em: EntityManager, req: ComplianceRequest, settings: ComplianceSettings, now = new Date()): Promise<ComplianceResult[]> {
  const normalized = req.phones.map((raw) => ({ raw, phone: normalizePhone(raw) }));
  const e164s = [...new Set(normalized.flatMap((n) => (n.phone ? [n.phone.e164] : [])))];
  const dryRun = req.dryRun ?? false;
  const [consents, smsCounts, callCounts, sameContent, carrier] = await Promise.all([
    consentStates(em, e164s, req.channel),
    req.channel === 'sms' && req.purpose === 'marketing' ? recentMarketingSms(em, e164s, now, dryRun) : new Map<string, number>(),
    req.channel === 'call' ? recentCalls(em, e164s, now, dryRun) : new Map<string, number>(),
    req.channel === 'sms' && req.content ? sameContentRecently(em, e164s, req.content, now, dryRun, req.subjectType === 'sms_log' ? req.subjectIds : undefined) : new Set<string>(),
    req.channel === 'call' ? carrierCallCounts(em, e164s, now, dryRun) : new Map<string, CarrierCounts>(),
  ]);
  return normalized.map(({ raw, phone }, i) => {
    const e164 = phone?.kind === 'mobile' || (phone && req.channel === 'call') ? phone.e164 : null;
    const verdict = evaluateCompliance(
      {
        channel: req.channel,
        purpose: req.purpose,
        phoneValid: e164 !== null,
        consent: e164 ? consents.get(e164) ?? null : null,
        marketingSmsLast7Days: e164 ? smsCounts.get(e164) ?? 0 : 0,
        followUpCallsLast30Days: e164 ? callCounts.get(e164) ?? 0 : 0,
        sameContentWithin30s: e164 ? sameContent.has(e164) : false,
        ...(e164 && carrier.has(e164) ? carrier.get(e164) : {}),
      },
      now,
      settings.timeZone,
      settings.window,
    );
    if (verdict.kind !== 'allow') {
      em.create(ComplianceDecisionSchema, {
        phone: e164,
        phoneLast8: e164 ? phone!.last8 : null,
        rawNumber: e164 ? null : raw.slice(0, 40),
        channel: req.channel,
        purpose: req.purpose,
        outcome: verdict.kind === 'defer' ? 'deferred' : 'refused',
        reason: verdict.reason,
        deferredUntil: verdict.kind === 'defer' ? verdict.until : null,
        subjectType: req.subjectType,
        subjectId: req.subjectIds?.[i] ?? null,
        createdAt: now,
      });
    }
    return { raw, e164, verdict };
  });
}

async function recentMarketingSms(em: EntityManager, phones: string[], now: Date, dryRun: boolean): Promise<Map<string, number>> {
  if (phones.length === 0) return new Map();
  const rows = await em.find(
    SmsLogSchema,
    { phoneNumber: { $in: phones }, category: 'marketing', status: { $ne: 'failed' }, dryRun, createdAt: { $gte: new Date(now.getTime() - 7 * DAY) } },
    { fields: ['phoneNumber'], disableIdentityMap: true },
  );
  return countBy(rows.flatMap((r) => (r.phoneNumber ? [r.phoneNumber] : [])));
}

async function recentCalls(em: EntityManager, phones: string[], now: Date, dryRun: boolean): Promise<Map<string, number>> {
  if (phones.length === 0) return new Map();
  const rows = await em.find(
    CallSchema,
    // A marketing call is one that reached (or may have reached) the person: a busy or unanswered attempt is no contact.
    { direction: 'outbound', callee: { $in: phones }, dryRun, startedAt: { $gte: new Date(now.getTime() - 30 * DAY) }, $or: [{ outcome: null }, { outcome: { $in: ['answered', 'abandoned', 'unknown', 'voicemail'] } }] },
    { fields: ['callee'], disableIdentityMap: true },
  );
  return countBy(rows.map((r) => r.callee));
}

type CarrierCounts = { callsLast24h: { count: number; freeAt: Date | null }; callsLast5min: { count: number; freeAt: Date | null } };

/** Carrier caps: every call we placed to the number (any source, any outcome but a line failure) in the last 24 h and 5 minutes. */
async function carrierCallCounts(em: EntityManager, phones: string[], now: Date, dryRun: boolean): Promise<Map<string, CarrierCounts>> {
  const out = new Map<string, CarrierCounts>();
  if (phones.length === 0) return out;
  const since = new Date(now.getTime() - DAY);
  const rows = await em.find(
    CallSchema,
    { direction: 'outbound', callee: { $in: phones }, dryRun, startedAt: { $gte: since }, $or: [{ outcome: null }, { outcome: { $ne: 'line_failed' } }] },
    { fields: ['callee', 'startedAt'], orderBy: { startedAt: 'asc' }, disableIdentityMap: true },
  );
  const fiveMin = now.getTime() - 300_000;
  for (const r of rows) {
    const c = out.get(r.callee) ?? { callsLast24h: { count: 0, freeAt: null }, callsLast5min: { count: 0, freeAt: null } };
    c.callsLast24h.count++;
    c.callsLast24h.freeAt ??= new Date(r.startedAt.getTime() + DAY);
    if (r.startedAt.getTime() >= fiveMin) {
      c.callsLast5min.count++;
      c.callsLast5min.freeAt ??= new Date(r.startedAt.getTime() + 300_000);
    }
    out.set(r.callee, c);
  }
  return out;
}

/** Numbers that got this exact text within 30 s; the send being checked (its own sms_logs row) does not count. */
async function sameContentRecently(em: EntityManager, phones: string[], content: string, now: Date, dryRun: boolean, ownMessageIds?: Array<string | null>): Promise<Set<string>> {
  if (phones.length === 0) return new Set();
  const own = (ownMessageIds ?? []).filter((id): id is string => Boolean(id));
  const rows = await em.find(
    SmsLogSchema,
    { phoneNumber: { $in: phones }, content, dryRun, createdAt: { $gte: new Date(now.getTime() - SAME_CONTENT_INTERVAL_MS) }, ...(own.length ? { messageId: { $nin: own } } : {}) },
    { fields: ['phoneNumber'], disableIdentityMap: true },
  );
  return new Set(rows.flatMap((r) => (r.phoneNumber ? [r.phoneNumber] : [])));
}

function countBy(values: string[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const v of values) counts.set(v, (counts.get(v) ?? 0) + 1);
  return counts;
}
