import { addDays, atLocalTime, localParts, toMinutes } from '../shared/business-time.js';
import type { ContactChannel } from '../shared/vocabulary.js';
import type { ConsentState } from './consent.entity.js';
import type { RefusalReason } from './compliance-decision.entity.js';

/** Appended to every marketing SMS (seed 000 §9.1: 提供退订机制). */
export const OPT_OUT_TEXT = '拒收请回复R';
export const MARKETING_SMS_PER_WEEK = 2;
export const FOLLOW_UP_CALLS_PER_MONTH = 1;
export const SAME_CONTENT_INTERVAL_MS = 30_000;
/** Carrier rule: at most this many calls to one callee per 24 h and per 5 minutes, across all our calls. */
export const CALLS_PER_DAY = 5;
export const CALLS_PER_5_MINUTES = 3;
/** Carrier rule: outbound marketing calls only 08:00–21:00 Beijing time, whatever MARKETING_HOURS says. */
export const CARRIER_CALL_WINDOW = { timeZone: 'Asia/Shanghai', start: '08:00', end: '21:00' } as const;

export type Purpose = 'marketing' | 'service';
export type MarketingWindow = { start: string; end: string };

/** Service calls (a visit's or a complaint's follow-up) are placed only between 08:00 and 21:00 local time. */
export const SERVICE_CALL_HOURS: MarketingWindow = { start: '08:00', end: '21:00' };

/**
 * The purpose of a call by seed 000's follow-up reason (§2.1.2): a visit's or a complaint's follow-up is
 * service (no marketing consent needed); a dormant customer's win-back, a birthday greeting (it carries an
 * offer) and an event invitation are marketing. Keys are the outreach module's FOLLOW_UP_REASONS.
 */
export const PURPOSE_OF_FOLLOW_UP = {
  post_visit: 'service',
  complaint: 'service',
  dormant: 'marketing',
  birthday: 'marketing',
  event_invitation: 'marketing',
} as const satisfies Record<string, Purpose>;

/** What the policy needs to know about one recipient; the service gathers it in bulk. */
export type ComplianceFacts = {
  channel: ContactChannel;
  purpose: Purpose;
  phoneValid: boolean;
  /** The latest consent-ledger state for this number and channel, or null when there is none. */
  consent: ConsentState | null;
  marketingSmsLast7Days: number;
  followUpCallsLast30Days: number;
  sameContentWithin30s: boolean;
  /** Calls: our calls to this callee in the last 24 h and 5 minutes, and when the oldest of each leaves its window. */
  callsLast24h?: { count: number; freeAt: Date | null };
  callsLast5min?: { count: number; freeAt: Date | null };
};

export type ComplianceVerdict =
  | { kind: 'allow' }
  | { kind: 'refuse'; reason: Exclude<RefusalReason, 'QUIET_HOURS'> }
  | { kind: 'defer'; reason: 'QUIET_HOURS' | 'FREQUENCY_CAP'; until: Date };

/**
 * The one compliance rule set every channel consults (SMS, calls, WeCom messages, invitations):
 * invalid numbers and blacklisted numbers never; opted-out numbers get no marketing; marketing needs a
 * recorded consent, stays under the frequency caps and is sent only inside the marketing window —
 * outside it, it is deferred to the next window, never dropped.
 *
 * A service call (purpose `service`: a visit's or a complaint's follow-up) needs no marketing consent, but
 * an explicit do-not-call (`opted_out` on the call channel) refuses it, seed 000's one follow-up call a
 * month caps it, and it waits for 08:00–21:00. A revoked marketing consent does not stop a service call.
 */
export function evaluateCompliance(facts: ComplianceFacts, now: Date, timeZone: string, window: MarketingWindow): ComplianceVerdict {
  if (!facts.phoneValid) return { kind: 'refuse', reason: 'INVALID_NUMBER' };
  if (facts.consent === 'blacklisted') return { kind: 'refuse', reason: 'BLACKLISTED' };
  if (facts.sameContentWithin30s) return { kind: 'refuse', reason: 'FREQUENCY_CAP' };
  if (facts.purpose === 'service') {
    if (facts.channel !== 'call') return { kind: 'allow' };
    if (facts.consent === 'opted_out') return { kind: 'refuse', reason: 'OPTED_OUT' };
    if (facts.followUpCallsLast30Days >= FOLLOW_UP_CALLS_PER_MONTH) return { kind: 'refuse', reason: 'FREQUENCY_CAP' };
    const until = nextMarketingWindow(now, timeZone, SERVICE_CALL_HOURS);
    return until ? { kind: 'defer', reason: 'QUIET_HOURS', until } : { kind: 'allow' };
  }
  if (facts.consent === 'opted_out' || facts.consent === 'revoked') return { kind: 'refuse', reason: 'OPTED_OUT' };
  if (facts.consent !== 'granted') return { kind: 'refuse', reason: 'NO_CONSENT' };
  if (facts.channel === 'sms' && facts.marketingSmsLast7Days >= MARKETING_SMS_PER_WEEK) return { kind: 'refuse', reason: 'FREQUENCY_CAP' };
  if (facts.channel === 'call' && facts.followUpCallsLast30Days >= FOLLOW_UP_CALLS_PER_MONTH) return { kind: 'refuse', reason: 'FREQUENCY_CAP' };
  const until = facts.channel === 'call' ? nextCallingWindow(now, timeZone, window) : nextMarketingWindow(now, timeZone, window);
  if (until) return { kind: 'defer', reason: 'QUIET_HOURS', until };
  if (facts.channel === 'call') {
    // The carrier caps wait, they do not drop: the number is tried again when the oldest call leaves the window.
    for (const [recent, cap] of [[facts.callsLast5min, CALLS_PER_5_MINUTES], [facts.callsLast24h, CALLS_PER_DAY]] as const) {
      if (recent && recent.count >= cap) return { kind: 'defer', reason: 'FREQUENCY_CAP', until: recent.freeAt ?? new Date(now.getTime() + 300_000) };
    }
  }
  return { kind: 'allow' };
}

/** Calls: null inside both the marketing window and the carrier's 08:00–21:00 Beijing window; else the next instant both are open. */
export function nextCallingWindow(now: Date, timeZone: string, window: MarketingWindow): Date | null {
  let at = now;
  for (let i = 0; i < 8; i++) {
    const a = nextMarketingWindow(at, timeZone, window);
    const b = nextMarketingWindow(a ?? at, CARRIER_CALL_WINDOW.timeZone, CARRIER_CALL_WINDOW);
    if (!a && !b) return at === now ? null : at;
    at = b ?? a!;
    if (!nextMarketingWindow(at, timeZone, window) && !nextMarketingWindow(at, CARRIER_CALL_WINDOW.timeZone, CARRIER_CALL_WINDOW)) return at;
  }
  return at;
}

/** null inside the window; otherwise the instant the next window opens. */
export function nextMarketingWindow(now: Date, timeZone: string, window: MarketingWindow): Date | null {
  const local = localParts(now, timeZone);
  const start = toMinutes(window.start);
  const end = toMinutes(window.end);
  if (local.minutes >= start && local.minutes < end) return null;
  const day = local.minutes < start ? local.date : addDays(local.date, 1);
  return atLocalTime(day, window.start, timeZone);
}

/** Marketing text with the opt-out sentence at its end (added once). */
export function withOptOut(text: string): string {
  const trimmed = text.trimEnd();
  return trimmed.endsWith(OPT_OUT_TEXT) ? trimmed : `${trimmed}${OPT_OUT_TEXT}`;
}

/** Words in an SMS reply that mean "stop sending me marketing" (R, TD, T, N, 退订). */
export function isOptOutReply(text: string): boolean {
  const t = text.trim().toUpperCase();
  return ['R', 'TD', 'T', 'N'].includes(t) || t.includes('退订');
}
