import { addDays, atLocalTime, localParts, toMinutes } from '../shared/business-time.js';
import type { ContactChannel } from '../shared/vocabulary.js';
import { PURPOSE_OF_FOLLOW_UP, type MarketingWindow, type Purpose } from '../compliance/compliance.policy.js';

export const FOLLOW_UP_REASONS = ['post_visit', 'dormant', 'birthday', 'complaint', 'event_invitation'] as const;
export type FollowUpReason = (typeof FOLLOW_UP_REASONS)[number];
/** A call's purpose by its follow-up reason (the compliance policy's table; every reason has one). */
export const FOLLOW_UP_PURPOSE: Readonly<Record<FollowUpReason, Purpose>> = PURPOSE_OF_FOLLOW_UP;
export type FollowUpChannel = Extract<ContactChannel, 'call' | 'wechat' | 'sms'>;

/**
 * Seed §8.1 and §9.1: follow-ups happen inside the marketing window (MARKETING_HOURS, the same window the
 * compliance policy enforces; 08:00–20:00 by default); outside it we aim for a polite 10:00 (or the window's
 * opening when it opens later).
 */
export const DEFAULT_CONTACT_WINDOW: MarketingWindow = { start: '08:00', end: '20:00' };
const PREFERRED = '10:00';

function preferredTime(window: MarketingWindow): string {
  return toMinutes(PREFERRED) >= toMinutes(window.start) && toMinutes(PREFERRED) < toMinutes(window.end) ? PREFERRED : window.start;
}
const HOUR = 3600_000;
const DAY = 24 * HOUR;
export const DORMANT_AFTER_DAYS = 30;
export const BIRTHDAY_LEAD_DAYS = 3;

/**
 * Seed §8.3: VIPs are phoned first (电话 > 微信 > 短信), everyone else gets an SMS first
 * (短信 > 微信 > 电话); a complaint is always followed up by phone first.
 */
export function channelOrder(reason: FollowUpReason, isVip: boolean): FollowUpChannel[] {
  if (reason === 'complaint') return isVip ? ['call', 'wechat', 'sms'] : ['call', 'sms', 'wechat'];
  return isVip ? ['call', 'wechat', 'sms'] : ['sms', 'wechat', 'call'];
}

export type ScheduleFacts = {
  reason: FollowUpReason;
  now: Date;
  timeZone: string;
  lastVisitAt?: Date | null;
  lastContactAt?: Date | null;
  /** YYYY-MM-DD (the year is ignored). */
  birthday?: string | null;
  /** The marketing window; defaults to 08:00–20:00. */
  window?: MarketingWindow;
  /** When the complaint was made (complaints are due 24 h after it); now when unknown. */
  complaintAt?: Date | null;
};

export type FollowUpTiming = {
  /** When to reach out: an instant inside the 08:00–20:00 business-time window, never in the past. */
  recommendedAt: Date;
  /**
   * The seed's deadline for this reason, when it has one (24 h after the visit or the complaint, the
   * birthday) — never earlier than recommendedAt: when the window opens only after the deadline, the
   * deadline moves to that opening (the earliest moment the customer may be contacted).
   */
  dueBy: Date | null;
  rule: string;
};

/**
 * Seed §8.1: post-visit within 24 h of the visit, dormant customers once a month, birthday wishes
 * three days before, complaints within 24 h. Event invitations have no rule: as soon as allowed.
 */
export function recommendTiming(f: ScheduleFacts): FollowUpTiming {
  const timing = seedTiming(f);
  if (timing.dueBy && timing.dueBy.getTime() < timing.recommendedAt.getTime()) return { ...timing, dueBy: timing.recommendedAt };
  return timing;
}

function seedTiming(f: ScheduleFacts): FollowUpTiming {
  const soon = nextContactInstant(f.now, f.timeZone, f.window);
  switch (f.reason) {
    case 'post_visit': {
      const visit = f.lastVisitAt ?? null;
      // A couple of hours after the visit (the guests are home), inside the 24 h the seed asks for.
      const target = visit ? nextContactInstant(new Date(Math.max(f.now.getTime(), visit.getTime() + 2 * HOUR)), f.timeZone, f.window) : soon;
      return { recommendedAt: target, dueBy: visit ? new Date(visit.getTime() + DAY) : null, rule: '消费后24小时内回访' };
    }
    case 'complaint':
      return { recommendedAt: soon, dueBy: new Date((f.complaintAt ?? f.now).getTime() + DAY), rule: '投诉后24小时内跟进' };
    case 'dormant': {
      const last = f.lastContactAt ?? null;
      const next = last ? new Date(last.getTime() + DORMANT_AFTER_DAYS * DAY) : f.now;
      return { recommendedAt: nextContactInstant(new Date(Math.max(f.now.getTime(), next.getTime())), f.timeZone, f.window), dueBy: null, rule: '长期未到店客户每月回访一次' };
    }
    case 'birthday': {
      if (!f.birthday) return { recommendedAt: soon, dueBy: null, rule: '生日前3天发送祝福' };
      const birthday = nextBirthday(f.birthday, f.now, f.timeZone);
      const wish = atLocalTime(addDays(birthday, -BIRTHDAY_LEAD_DAYS), preferredTime(f.window ?? DEFAULT_CONTACT_WINDOW), f.timeZone);
      return {
        recommendedAt: wish.getTime() > f.now.getTime() ? wish : soon,
        dueBy: atLocalTime(birthday, (f.window ?? DEFAULT_CONTACT_WINDOW).start, f.timeZone),
        rule: '生日前3天发送祝福',
      };
    }
    case 'event_invitation':
      return { recommendedAt: soon, dueBy: null, rule: '活动邀约在允许时段内尽快发出' };
  }
}

/** `at` itself when it falls inside the window (business time), else 10:00 of that or the next day. */
export function nextContactInstant(at: Date, timeZone: string, window: MarketingWindow = DEFAULT_CONTACT_WINDOW): Date {
  const local = localParts(at, timeZone);
  const opens = toMinutes(window.start);
  const closes = toMinutes(window.end);
  if (local.minutes >= opens && local.minutes < closes) return at;
  const day = local.minutes < opens ? local.date : addDays(local.date, 1);
  return atLocalTime(day, preferredTime(window), timeZone);
}

/** The next calendar date (today included) of a birthday; 29 Feb is kept on 28 Feb in other years. */
export function nextBirthday(birthday: string, now: Date, timeZone: string): string {
  const today = localParts(now, timeZone).date;
  const monthDay = birthday.slice(5, 10);
  const year = Number(today.slice(0, 4));
  for (const y of [year, year + 1]) {
    const candidate = `${y}-${monthDay === '02-29' && !isLeapYear(y) ? '02-28' : monthDay}`;
    if (candidate >= today) return candidate;
  }
  return `${year + 1}-${monthDay}`;
}

export function isLeapYear(y: number): boolean {
  return (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
}
