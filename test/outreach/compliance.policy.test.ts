import { describe, expect, it } from 'vitest';
import { evaluateCompliance, isOptOutReply, nextMarketingWindow, PURPOSE_OF_FOLLOW_UP, withOptOut, type ComplianceFacts } from '../../src/domain/compliance/compliance.policy.js';
import { FOLLOW_UP_REASONS } from '../../src/domain/outreach/follow-up-schedule.policy.js';

const TZ = 'Asia/Shanghai';
const WINDOW = { start: '08:00', end: '20:00' };
const at = (local: string) => new Date(`${local}+08:00`);
const marketingSms: ComplianceFacts = {
  channel: 'sms', purpose: 'marketing', phoneValid: true, consent: 'granted',
  marketingSmsLast7Days: 0, followUpCallsLast30Days: 0, sameContentWithin30s: false,
};
const verdict = (facts: Partial<ComplianceFacts>, local = '2026-11-23T10:00:00') =>
  evaluateCompliance({ ...marketingSms, ...facts }, at(local), TZ, WINDOW);

describe('compliance policy', () => {
  it('allows consented marketing inside 08:00-20:00 Shanghai time', () => {
    expect(verdict({})).toEqual({ kind: 'allow' });
    expect(verdict({}, '2026-11-23T08:00:00')).toEqual({ kind: 'allow' });
    expect(verdict({}, '2026-11-23T19:59:00')).toEqual({ kind: 'allow' });
  });

  it('defers marketing outside the window to the next opening, never drops it', () => {
    expect(verdict({}, '2026-11-23T07:59:00')).toEqual({ kind: 'defer', reason: 'QUIET_HOURS', until: at('2026-11-23T08:00:00') });
    expect(verdict({}, '2026-11-23T20:00:00')).toEqual({ kind: 'defer', reason: 'QUIET_HOURS', until: at('2026-11-24T08:00:00') });
    expect(verdict({}, '2026-11-23T23:30:00')).toMatchObject({ until: at('2026-11-24T08:00:00') });
  });

  it('refuses with the reason code, most serious first', () => {
    expect(verdict({ phoneValid: false, consent: 'blacklisted' })).toEqual({ kind: 'refuse', reason: 'INVALID_NUMBER' });
    expect(verdict({ consent: 'blacklisted' })).toEqual({ kind: 'refuse', reason: 'BLACKLISTED' });
    expect(verdict({ consent: 'opted_out' })).toEqual({ kind: 'refuse', reason: 'OPTED_OUT' });
    expect(verdict({ consent: 'revoked' })).toEqual({ kind: 'refuse', reason: 'OPTED_OUT' });
    expect(verdict({ consent: null })).toEqual({ kind: 'refuse', reason: 'NO_CONSENT' });
    expect(verdict({ marketingSmsLast7Days: 2 })).toEqual({ kind: 'refuse', reason: 'FREQUENCY_CAP' });
    expect(verdict({ marketingSmsLast7Days: 1 })).toEqual({ kind: 'allow' });
    expect(verdict({ channel: 'call', followUpCallsLast30Days: 1 })).toEqual({ kind: 'refuse', reason: 'FREQUENCY_CAP' });
    expect(verdict({ sameContentWithin30s: true, purpose: 'service' })).toEqual({ kind: 'refuse', reason: 'FREQUENCY_CAP' });
  });

  it('lets service SMS through opt-out, missing consent and quiet hours, but not a blacklist', () => {
    expect(verdict({ purpose: 'service', consent: 'opted_out' }, '2026-11-23T23:00:00')).toEqual({ kind: 'allow' });
    expect(verdict({ purpose: 'service', consent: null, marketingSmsLast7Days: 9 })).toEqual({ kind: 'allow' });
    expect(verdict({ purpose: 'service', consent: 'blacklisted' })).toEqual({ kind: 'refuse', reason: 'BLACKLISTED' });
  });

  it('service calls: no consent needed, but blacklist, do-not-call, one follow-up call a month and 08:00-21:00 hold', () => {
    const service = (facts: Partial<ComplianceFacts>, local?: string) => verdict({ channel: 'call', purpose: 'service', consent: null, ...facts }, local);
    expect(service({})).toEqual({ kind: 'allow' });
    expect(service({ consent: 'revoked' })).toEqual({ kind: 'allow' });
    // Inside the service hours yet outside the marketing window (20:00-21:00).
    expect(service({}, '2026-11-23T20:30:00')).toEqual({ kind: 'allow' });
    expect(verdict({ channel: 'call' }, '2026-11-23T20:30:00')).toMatchObject({ kind: 'defer' });
    expect(service({}, '2026-11-23T21:00:00')).toEqual({ kind: 'defer', reason: 'QUIET_HOURS', until: at('2026-11-24T08:00:00') });
    expect(service({}, '2026-11-23T07:30:00')).toEqual({ kind: 'defer', reason: 'QUIET_HOURS', until: at('2026-11-23T08:00:00') });
    expect(service({ consent: 'blacklisted' })).toEqual({ kind: 'refuse', reason: 'BLACKLISTED' });
    expect(service({ consent: 'opted_out' })).toEqual({ kind: 'refuse', reason: 'OPTED_OUT' });
    expect(service({ followUpCallsLast30Days: 1 })).toEqual({ kind: 'refuse', reason: 'FREQUENCY_CAP' });
    // A marketing call still needs its consent.
    expect(verdict({ channel: 'call', consent: null })).toEqual({ kind: 'refuse', reason: 'NO_CONSENT' });
  });

  it('maps every follow-up reason of seed 000 to a purpose', () => {
    for (const reason of FOLLOW_UP_REASONS) expect(['service', 'marketing']).toContain(PURPOSE_OF_FOLLOW_UP[reason]);
    expect(PURPOSE_OF_FOLLOW_UP.complaint).toBe('service');
    expect(PURPOSE_OF_FOLLOW_UP.post_visit).toBe('service');
    expect(PURPOSE_OF_FOLLOW_UP.event_invitation).toBe('marketing');
  });

  it('computes the window in the business zone, not the machine zone', () => {
    expect(nextMarketingWindow(new Date('2026-11-23T12:00:00Z'), TZ, WINDOW)).toEqual(at('2026-11-24T08:00:00'));
    expect(nextMarketingWindow(new Date('2026-11-23T11:59:00Z'), TZ, WINDOW)).toBeNull();
    expect(nextMarketingWindow(new Date('2026-11-23T00:00:00Z'), TZ, WINDOW)).toBeNull();
  });

  it('ends marketing text with the opt-out sentence once, and recognises opt-out replies', () => {
    expect(withOptOut('周末特惠')).toBe('周末特惠拒收请回复R');
    expect(withOptOut('周末特惠拒收请回复R ')).toBe('周末特惠拒收请回复R');
    for (const reply of ['R', ' r ', 'TD', 't', 'N', '退订', '请帮我退订']) expect(isOptOutReply(reply)).toBe(true);
    for (const reply of ['好的', 'OK', 'NO THANKS', '收到']) expect(isOptOutReply(reply)).toBe(false);
  });
});
