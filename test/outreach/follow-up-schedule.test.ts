import { describe, expect, it } from 'vitest';
import { channelOrder, nextBirthday, nextContactInstant, recommendTiming } from '../../src/domain/outreach/follow-up-schedule.policy.js';
import { MAX_SCRIPT_CHARS, scriptLength, templateScript } from '../../src/domain/outreach/follow-up-script.fallback.js';
import { FOLLOW_UP_REASONS } from '../../src/domain/outreach/follow-up-schedule.policy.js';
import { upcomingMonthDays } from '../../src/domain/outreach/pending-follow-ups.query.js';

const TZ = 'Asia/Shanghai';
const at = (iso: string) => new Date(iso);

describe('follow-up channel (seed §8.3)', () => {
  it('phones VIPs first, texts everyone else first, phones first after a complaint', () => {
    expect(channelOrder('post_visit', true)).toEqual(['call', 'wechat', 'sms']);
    expect(channelOrder('dormant', false)).toEqual(['sms', 'wechat', 'call']);
    expect(channelOrder('complaint', false)[0]).toBe('call');
    expect(channelOrder('complaint', true)[0]).toBe('call');
  });
});

describe('follow-up timing (seed §8.1) inside 08:00-20:00 Asia/Shanghai', () => {
  it('keeps an instant inside the window and moves others to 10:00', () => {
    expect(nextContactInstant(at('2026-11-22T03:00:00Z'), TZ).toISOString()).toBe('2026-11-22T03:00:00.000Z'); // 11:00
    expect(nextContactInstant(at('2026-11-21T22:30:00Z'), TZ).toISOString()).toBe('2026-11-22T02:00:00.000Z'); // 06:30 → 10:00 same day
    expect(nextContactInstant(at('2026-11-22T12:00:00Z'), TZ).toISOString()).toBe('2026-11-23T02:00:00.000Z'); // 20:00 → 10:00 next day
  });

  it('uses the configured marketing window (MARKETING_HOURS), the one compliance enforces', () => {
    const late = { start: '11:00', end: '21:00' };
    expect(nextContactInstant(at('2026-11-22T12:30:00Z'), TZ, late).toISOString()).toBe('2026-11-22T12:30:00.000Z'); // 20:30 is inside
    expect(nextContactInstant(at('2026-11-22T01:00:00Z'), TZ, late).toISOString()).toBe('2026-11-22T03:00:00.000Z'); // 09:00 → 11:00
  });

  it('follows up a visit a couple of hours later, due 24 h after it', () => {
    const visit = at('2026-11-22T13:00:00Z'); // 21:00 Shanghai
    const t = recommendTiming({ reason: 'post_visit', now: at('2026-11-22T13:30:00Z'), timeZone: TZ, lastVisitAt: visit });
    expect(t.recommendedAt.toISOString()).toBe('2026-11-23T02:00:00.000Z');
    expect(t.dueBy!.toISOString()).toBe('2026-11-23T13:00:00.000Z');
  });

  it('follows up a complaint as soon as the window allows, due within 24 h', () => {
    const now = at('2026-11-22T04:00:00Z');
    const t = recommendTiming({ reason: 'complaint', now, timeZone: TZ });
    expect(t.recommendedAt).toEqual(now);
    expect(t.dueBy!.getTime() - now.getTime()).toBe(24 * 3600_000);
  });

  it('sends birthday wishes at 10:00 three days before, or at once when closer', () => {
    const now = at('2026-11-22T04:00:00Z');
    expect(recommendTiming({ reason: 'birthday', now, timeZone: TZ, birthday: '1990-12-01' }).recommendedAt.toISOString()).toBe('2026-11-28T02:00:00.000Z');
    expect(recommendTiming({ reason: 'birthday', now, timeZone: TZ, birthday: '1990-11-24' }).recommendedAt).toEqual(now);
    expect(nextBirthday('1992-02-29', at('2027-02-01T00:00:00Z'), TZ)).toBe('2027-02-28');
    expect(upcomingMonthDays(at('2027-02-26T00:00:00Z'), TZ)).toEqual(['02-26', '02-27', '02-28', '02-29', '03-01']);
  });

  it('never puts dueBy before recommendedAt: a deadline inside the night moves to the window\'s opening', () => {
    // A visit 22 h ago; now 21:30 (window closed): the seed's deadline, 23:30 tonight, is before the window opens.
    const now = at('2026-11-22T13:30:00Z'); // 21:30 Shanghai
    const visit = at('2026-11-21T15:30:00Z'); // 23:30 the day before
    const t = recommendTiming({ reason: 'post_visit', now, timeZone: TZ, lastVisitAt: visit });
    expect(t.recommendedAt.toISOString()).toBe('2026-11-23T02:00:00.000Z'); // 10:00 next day
    expect(t.dueBy!.getTime()).toBeGreaterThanOrEqual(t.recommendedAt.getTime());
    const complaint = recommendTiming({ reason: 'complaint', now, timeZone: TZ, complaintAt: at('2026-11-21T14:00:00Z') });
    expect(complaint.dueBy!.getTime()).toBe(complaint.recommendedAt.getTime());
    // Birthday today, the 08:00 deadline already gone: due as soon as recommended.
    const birthday = recommendTiming({ reason: 'birthday', now: at('2026-11-22T04:00:00Z'), timeZone: TZ, birthday: '1990-11-22' });
    expect(birthday.dueBy!.getTime()).toBeGreaterThanOrEqual(birthday.recommendedAt.getTime());
    // A deadline after the recommendation is left as the seed says.
    const early = recommendTiming({ reason: 'complaint', now: at('2026-11-22T04:00:00Z'), timeZone: TZ });
    expect(early.dueBy!.getTime() - early.recommendedAt.getTime()).toBe(24 * 3600_000);
  });

  it('contacts a dormant customer a month after the last contact', () => {
    const now = at('2026-11-22T04:00:00Z');
    const t = recommendTiming({ reason: 'dormant', now, timeZone: TZ, lastContactAt: at('2026-11-10T04:00:00Z') });
    expect(t.recommendedAt.toISOString()).toBe('2026-12-10T04:00:00.000Z');
  });
});

describe('template scripts', () => {
  it('address the customer by name and stay within 100 characters for every reason and tier', () => {
    for (const reason of FOLLOW_UP_REASONS) {
      for (const audience of [
        { name: '张伟', isVip: true, segment: 'VIP' },
        { name: '李娜', isVip: false, segment: 'loyal' },
        { name: '欧阳晓明', isVip: false, segment: null },
      ]) {
        const script = templateScript(reason, audience);
        expect(script).toContain(audience.name);
        expect(scriptLength(script)).toBeLessThanOrEqual(MAX_SCRIPT_CHARS);
      }
    }
    const long = templateScript('post_visit', { name: '某'.repeat(60), isVip: false, segment: null });
    expect(scriptLength(long)).toBeLessThanOrEqual(MAX_SCRIPT_CHARS);
  });
});
