import type { Weekday } from '../staff/staff.entity.js';

/**
 * Business rules (working hours, quiet hours, duty schedule, due dates) are stated in the business time
 * zone (BUSINESS_TZ, Asia/Shanghai); storage is UTC. These helpers convert without depending on the
 * machine's own zone.
 */
export type LocalParts = { date: string; weekday: Weekday; hhmm: string; minutes: number };

const WEEKDAY_BY_SHORT: Record<string, Weekday> = { Mon: 'mon', Tue: 'tue', Wed: 'wed', Thu: 'thu', Fri: 'fri', Sat: 'sat', Sun: 'sun' };
const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      weekday: 'short',
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
    });
    formatters.set(timeZone, f);
  }
  return f;
}

/** The calendar date, weekday and wall-clock time of an instant in a zone. */
export function localParts(instant: Date, timeZone: string): LocalParts {
  const parts = Object.fromEntries(formatter(timeZone).formatToParts(instant).map((p) => [p.type, p.value]));
  const hhmm = `${parts.hour}:${parts.minute}`;
  return {
    date: `${parts.year}-${parts.month}-${parts.day}`,
    weekday: WEEKDAY_BY_SHORT[parts.weekday!]!,
    hhmm,
    minutes: toMinutes(hhmm),
  };
}

/** "09:30" → 570. */
export function toMinutes(hhmm: string): number {
  const [h, m] = hhmm.split(':').map(Number);
  return h! * 60 + m!;
}

/** The instant at wall-clock `hhmm` on calendar `date` (YYYY-MM-DD) in the zone. */
export function atLocalTime(date: string, hhmm: string, timeZone: string): Date {
  const wallClockAsUtc = (d: string, minutes: number) => {
    const [y, mo, day] = d.split('-').map(Number);
    return Date.UTC(y!, mo! - 1, day!, Math.floor(minutes / 60), minutes % 60);
  };
  const guess = wallClockAsUtc(date, toMinutes(hhmm));
  // The zone's offset at that moment: read the guess back in the zone and remove the drift.
  const seen = localParts(new Date(guess), timeZone);
  return new Date(guess - (wallClockAsUtc(seen.date, seen.minutes) - guess));
}

/** The calendar date `days` after `date` (YYYY-MM-DD). */
export function addDays(date: string, days: number): string {
  const [y, m, d] = date.split('-').map(Number);
  return new Date(Date.UTC(y!, m! - 1, d! + days)).toISOString().slice(0, 10);
}
