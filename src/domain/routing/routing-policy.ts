import { localParts, toMinutes } from '../shared/business-time.js';
import type { SalesStatus } from '../sales-status/staff-status.entity.js';
import type { Weekday } from '../staff/staff.entity.js';
import type { DutyDay } from './duty-schedule.entity.js';
import type { Forwarding, RoutingRules, TimeSlot } from './routing-rules.js';

/**
 * Routing policy of seed 003 as a pure function over plain data: who rings, on which phone, for how long,
 * in which order, and voicemail last. The telephony door turns the plan into a bridge string.
 */
export type RoutingStaff = {
  id: number;
  name: string;
  role: string;
  officeExt: string | null;
  /** National digits (13800000001), as dialled through the gateway. */
  mobile: string | null;
  forwardingType: 'sequential' | 'simultaneous';
  officeTimeoutSec: number;
  mobileTimeoutSec: number;
  dutyDays: Weekday[];
  dutyStart: string | null;
  dutyEnd: string | null;
  maxDailyCalls: number;
  callsToday: number;
  status: SalesStatus | 'unknown';
};

export type DutySlot = { staffId: number; days: DutyDay[]; startTime: string; endTime: string; priority: number };

export type RoutingInput = {
  now: Date;
  timeZone: string;
  rules: RoutingRules;
  holidays: Array<{ date: string; workday: boolean }>;
  staff: RoutingStaff[];
  duty: DutySlot[];
  ownerStaffId: number | null;
  voicemailMaxSeconds: number;
};

export type RouteLeg = { staffId: number; kind: 'office' | 'mobile'; target: string; timeoutSec: number };
/** The legs of a step ring together; steps are tried one after another. */
export type RouteStep = { legs: RouteLeg[]; why: string };

export type DayType = 'weekday' | 'saturday' | 'sunday' | 'holiday';
export type Period = 'work_hours' | 'after_hours' | 'closed' | 'holiday';

export type RoutePlan = {
  dayType: DayType;
  period: Period;
  slot: TimeSlot | null;
  steps: RouteStep[];
  voicemail: { maxSeconds: number };
  /** Whom the screen-pop suggests (owner first, else the first person rung). */
  suggestedStaffId: number | null;
  /** Every staff member rung by the plan, in order, without repeats. */
  staffIds: number[];
  reasons: string[];
};

const PREVIOUS: Record<Weekday, Weekday> = { mon: 'sun', tue: 'mon', wed: 'tue', thu: 'wed', fri: 'thu', sat: 'fri', sun: 'sat' };
const WORKING: ReadonlySet<string> = new Set(['in_office', 'in_field', 'in_meeting']);

/** Whether minute-of-day `m` lies in [start, end) on `day`, for a window that may run past midnight. */
export function inWindow(days: readonly string[], start: string, end: string, day: Weekday | 'holiday', m: number, previousDay: Weekday | 'holiday' | null): boolean {
  const s = toMinutes(start);
  const e = toMinutes(end);
  if (s < e) return days.includes(day) && m >= s && m < e;
  return (days.includes(day) && m >= s) || (previousDay !== null && days.includes(previousDay) && m < e);
}

/** Slots belong to the calendar day of now: "weekday 22:00-09:00" covers a weekday's night and its early morning. */
function slotMatches(slot: TimeSlot, dayType: DayType, m: number): boolean {
  const covers = slot.days === dayType || (slot.days === 'weekend' && (dayType === 'saturday' || dayType === 'sunday'));
  const s = toMinutes(slot.start);
  const e = toMinutes(slot.end);
  return covers && (s < e ? m >= s && m < e : m >= s || m < e);
}

/** The most specific slot for now: exact day type before 'weekend'. */
export function findSlot(slots: TimeSlot[], dayType: DayType, m: number): TimeSlot | null {
  const matching = slots.filter((s) => slotMatches(s, dayType, m));
  return matching.find((s) => s.days !== 'weekend') ?? matching[0] ?? null;
}

export function dayTypeOf(date: string, weekday: Weekday, holidays: RoutingInput['holidays']): DayType {
  const h = holidays.find((x) => x.date === date);
  if (h && !h.workday) return 'holiday';
  if (h?.workday) return 'weekday';
  return weekday === 'sat' ? 'saturday' : weekday === 'sun' ? 'sunday' : 'weekday';
}

export function planRoute(input: RoutingInput): RoutePlan {
  const { rules } = input;
  const now = localParts(input.now, input.timeZone);
  const dayType = dayTypeOf(now.date, now.weekday, input.holidays);
  const m = now.minutes;
  const reasons: string[] = [];

  const hours = dayType === 'holiday' ? null : rules.workHours[dayType];
  const period: Period =
    dayType === 'holiday' ? 'holiday' : !hours ? 'closed' : withinSpan(hours.start, hours.end, m) ? 'work_hours' : 'after_hours';

  const underCap = (s: RoutingStaff) => s.callsToday < s.maxDailyCalls;
  const byId = new Map(input.staff.map((s) => [s.id, s]));

  const dutyPeople = (): RoutingStaff[] => {
    const { people, capped } = dutyPeopleAt(input);
    if (capped > 0) reasons.push('duty person at daily cap skipped');
    return people;
  };
  const dutySteps = (why: string): RouteStep[] =>
    dutyPeople().flatMap((s) => {
      const leg = s.mobile ? mobileLeg(s) : s.officeExt ? officeLeg(s) : null;
      return leg ? [{ legs: [leg], why }] : [];
    });

  const finish = (slot: TimeSlot | null, steps: RouteStep[], suggested: number | null): RoutePlan => {
    const cleaned = withinRingBudget(
      steps.filter((s) => s.legs.length > 0),
      rules.workHours.maxRingSeconds,
      reasons,
    );
    const staffIds = unique(cleaned.flatMap((s) => s.legs.map((l) => l.staffId)));
    return {
      dayType,
      period,
      slot,
      steps: cleaned,
      voicemail: { maxSeconds: input.voicemailMaxSeconds },
      suggestedStaffId: suggested ?? staffIds[0] ?? null,
      staffIds,
      reasons,
    };
  };

  const unconditional = rules.forwarding.find((f) => f.condition === 'unconditional' && f.enabled);
  if (unconditional) {
    reasons.push(`unconditional forwarding to ${unconditional.target ?? 'voicemail'}`);
    return finish(null, unconditional.target === 'duty_person' ? dutySteps('unconditional') : [], null);
  }
  if (period === 'holiday' || period === 'closed') {
    const policy = period === 'holiday' ? rules.workHours.holiday : 'forward_to_duty';
    reasons.push(`${period}: ${policy}`);
    return finish(null, policy === 'forward_to_duty' ? dutySteps(period) : [], null);
  }
  if (period === 'after_hours' && rules.workHours.afterHours !== 'forward_to_mobile') {
    reasons.push(`after hours: ${rules.workHours.afterHours}`);
    return finish(null, rules.workHours.afterHours === 'forward_to_duty' ? dutySteps('after_hours') : [], null);
  }

  const slot = findSlot(rules.slots, dayType, m);
  if (!slot || slot.primary === 'duty_person') {
    reasons.push(slot ? `slot ${slot.start}-${slot.end}: duty person` : 'no time slot: duty person');
    return finish(slot, dutySteps('duty'), null);
  }

  const onDuty = (s: RoutingStaff) =>
    s.dutyDays.length > 0 && (s.dutyStart && s.dutyEnd ? inWindow(s.dutyDays, s.dutyStart, s.dutyEnd, now.weekday, m, PREVIOUS[now.weekday]) : s.dutyDays.includes(now.weekday));
  let wantDuty = slot.backup === 'duty_person' || rules.forwarding.some((f) => f.condition === 'offline' && f.enabled && f.target === 'duty_person');

  const candidates: RoutingStaff[] = [];
  const owner = input.ownerStaffId === null ? undefined : byId.get(input.ownerStaffId);
  if (owner) {
    if (!underCap(owner)) reasons.push('owner at daily cap');
    else if (owner.status === 'off_duty' || owner.status === 'on_leave') {
      reasons.push(`owner ${owner.status}`);
      wantDuty = true;
    } else if (WORKING.has(owner.status) || onDuty(owner)) candidates.push(owner);
  }
  const team = input.staff
    .filter((s) => (s.role === 'sales' || s.role === 'manager') && onDuty(s) && s.id !== owner?.id)
    .sort((a, b) => a.callsToday - b.callsToday || a.id - b.id);
  for (const s of team) {
    if (!underCap(s)) reasons.push(`staff ${s.id} at daily cap`);
    else if (s.status === 'off_duty' || s.status === 'on_leave') wantDuty = true;
    else candidates.push(s);
  }

  const noAnswerToMobile = forwardsToMobile(rules.forwarding);
  let steps: RouteStep[];
  if (slot.strategy === 'simultaneous') {
    steps = [{ legs: candidates.flatMap((s) => personSteps(s, slot, noAnswerToMobile).flatMap((st) => st.legs)), why: 'simultaneous' }];
  } else {
    steps = [];
    let budget = rules.workHours.maxRingSeconds;
    for (const s of candidates) {
      const own = personSteps(s, slot, noAnswerToMobile);
      const cost = own.reduce((sum, st) => sum + Math.max(...st.legs.map((l) => l.timeoutSec)), 0);
      if (steps.length > 0 && cost > budget) break;
      steps.push(...own);
      budget -= cost;
    }
  }
  if (candidates.length === 0) {
    reasons.push('nobody on duty in the slot');
    wantDuty = true;
  }
  const rung = new Set(steps.flatMap((s) => s.legs.map((l) => l.staffId)));
  if (wantDuty) steps.push(...dutySteps('backup').filter((st) => !st.legs.some((l) => rung.has(l.staffId))));
  return finish(slot, steps, candidates[0]?.id ?? null);
}

/** The duty people at `input.now` by the roster (holidays use its 'holiday' days), else staff of role duty; under their cap. */
export function dutyPeopleAt(input: RoutingInput): { people: RoutingStaff[]; capped: number } {
  const now = localParts(input.now, input.timeZone);
  const yesterday = localParts(new Date(input.now.getTime() - 86_400_000), input.timeZone);
  const day: Weekday | 'holiday' = dayTypeOf(now.date, now.weekday, input.holidays) === 'holiday' ? 'holiday' : now.weekday;
  const prev: Weekday | 'holiday' = dayTypeOf(yesterday.date, yesterday.weekday, input.holidays) === 'holiday' ? 'holiday' : PREVIOUS[now.weekday];
  const byId = new Map(input.staff.map((s) => [s.id, s]));
  const fromRoster = input.duty
    .filter((d) => inWindow(d.days, d.startTime, d.endTime, day, now.minutes, prev))
    .sort((a, b) => a.priority - b.priority)
    .map((d) => byId.get(d.staffId))
    .filter((s): s is RoutingStaff => Boolean(s));
  const usable = unique(fromRoster.length ? fromRoster : input.staff.filter((s) => s.role === 'duty')).filter((s) => s.status !== 'on_leave');
  const people = usable.filter((s) => s.callsToday < s.maxDailyCalls);
  return { people, capped: usable.length - people.length };
}

/** One person's steps by their sales status, the slot and their office/mobile binding. */
function personSteps(s: RoutingStaff, slot: TimeSlot, noAnswerToMobile: boolean): RouteStep[] {
  const office = s.officeExt ? officeLeg(s) : null;
  const mobile = s.mobile ? mobileLeg(s) : null;
  const seq = (...legs: Array<RouteLeg | null>) => legs.filter((l): l is RouteLeg => l !== null).map((l) => ({ legs: [l], why: `${s.status}:${l.kind}` }));
  switch (s.status) {
    case 'in_office':
      if (s.forwardingType === 'simultaneous') return [{ legs: [office, mobile].filter((l): l is RouteLeg => l !== null), why: 'in_office:simultaneous' }];
      return noAnswerToMobile ? seq(office, mobile) : seq(office ?? mobile);
    case 'in_field':
    case 'in_meeting':
      return seq(mobile ?? office);
    default:
      // Unknown (or stale) status: the slot decides; office hours ring office then mobile (sequential).
      if (slot.primary === 'mobile_phone') return seq(mobile ?? office);
      return seq(office, slot.backup === 'mobile_phone' || noAnswerToMobile ? mobile : null);
  }
}

/**
 * How one person is rung, as inbound routing rings them: in the office → office phone (and the mobile after
 * no answer when forwarding says so, or at once for a `simultaneous` binding), in the field or a meeting →
 * mobile. Call tasks bridge an answered callee to their salesperson this way.
 */
export function staffSteps(s: RoutingStaff, rules: Pick<RoutingRules, 'forwarding'>): RouteStep[] {
  const officeHours: TimeSlot = { days: 'weekday', start: '00:00', end: '24:00', primary: 'office_phone', backup: 'mobile_phone', strategy: 'sequential' };
  return personSteps(s, officeHours, forwardsToMobile(rules.forwarding));
}

function withinSpan(start: string, end: string, m: number): boolean {
  const s = toMinutes(start);
  const e = toMinutes(end);
  return s < e ? m >= s && m < e : m >= s || m < e;
}

function forwardsToMobile(forwarding: Forwarding[]): boolean {
  return forwarding.some((f) => (f.condition === 'no_answer' || f.condition === 'busy') && f.enabled && f.target === 'mobile_phone');
}

function officeLeg(s: RoutingStaff): RouteLeg {
  return { staffId: s.id, kind: 'office', target: s.officeExt!, timeoutSec: s.officeTimeoutSec };
}

function mobileLeg(s: RoutingStaff): RouteLeg {
  return { staffId: s.id, kind: 'mobile', target: s.mobile!, timeoutSec: s.mobileTimeoutSec };
}

/**
 * The whole plan — every step, duty legs included — rings at most `budgetSec`: steps run one after
 * another, so each costs its longest leg; a step that would overrun is shortened to what is left, and
 * steps after the budget is spent are dropped.
 */
export function withinRingBudget(steps: RouteStep[], budgetSec: number, reasons: string[] = []): RouteStep[] {
  const kept: RouteStep[] = [];
  let left = budgetSec;
  for (const step of steps) {
    if (left <= 0) {
      reasons.push(`ring budget ${budgetSec}s spent: ${step.why} dropped`);
      continue;
    }
    const cost = Math.max(...step.legs.map((l) => l.timeoutSec));
    if (cost > left) reasons.push(`ring budget ${budgetSec}s: ${step.why} shortened to ${left}s`);
    const remaining = left;
    kept.push(cost > left ? { ...step, legs: step.legs.map((l) => ({ ...l, timeoutSec: Math.min(l.timeoutSec, remaining) })) } : step);
    left -= Math.min(cost, left);
  }
  return kept;
}

function unique<T>(items: T[]): T[] {
  return [...new Set(items)];
}
