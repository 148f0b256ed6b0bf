import { addDays, atLocalTime, localParts } from '../shared/business-time.js';
import { dayTypeOf } from '../routing/routing-policy.js';
import type { WorkHours } from '../routing/routing-rules.js';

/** The opening time of the next working day after `now` (today if it has not opened yet), e.g. Monday 09:00. */
export function nextWorkingMorning(now: Date, timeZone: string, workHours: WorkHours, holidays: Array<{ date: string; workday: boolean }>): Date {
  const today = localParts(now, timeZone);
  for (let i = 0; i < 30; i++) {
    const date = addDays(today.date, i);
    const weekday = localParts(atLocalTime(date, '12:00', timeZone), timeZone).weekday;
    const type = dayTypeOf(date, weekday, holidays);
    const hours = type === 'holiday' ? null : workHours[type];
    if (!hours) continue;
    const opening = atLocalTime(date, hours.start, timeZone);
    if (opening > now) return opening;
  }
  return atLocalTime(addDays(today.date, 1), '09:00', timeZone);
}

export const INTENT_CATEGORIES = ['询价', '投诉', '技术支持', '合作洽谈', '其他'] as const;
export type IntentCategory = (typeof INTENT_CATEGORIES)[number];

const FOLLOW_UP_HOURS: Record<IntentCategory, number> = { 投诉: 4, 询价: 24, 技术支持: 24, 合作洽谈: 48, 其他: 72 };

/** Seed's calculate_follow_up_deadline: complaints within 4 h, enquiries and support within a day, … */
export function followUpDeadline(intent: IntentCategory, from: Date): Date {
  return new Date(from.getTime() + FOLLOW_UP_HOURS[intent] * 3_600_000);
}
