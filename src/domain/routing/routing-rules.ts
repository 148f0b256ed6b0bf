import { z } from 'zod';
import { check } from '../shared/validation.js';
import { DomainError } from '../shared/domain-error.js';
import type { RoutingRuleKind } from './routing-rule.entity.js';

/**
 * The body of each routing rule kind (seed 003's CALL_FORWARDING_CONFIG, TIME_BASED_ROUTING and the
 * gateway's forwarding table), as stored in routing_rules.body and edited through the API.
 * Times are HH:mm in the business time zone; an end before the start runs past midnight.
 */
const hhmm = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, '时间格式应为 HH:mm（00:00-23:59）');
/** An end of 24:00 closes at midnight (a whole-day slot is 00:00-24:00). */
const hhmmEnd = z.string().regex(/^(([01]\d|2[0-3]):[0-5]\d|24:00)$/, '时间格式应为 HH:mm（00:00-24:00）');
const span = z
  .object({ start: hhmm, end: hhmmEnd })
  .refine((s) => s.start !== s.end, '开始和结束时间不能相同');

export const TARGETS = ['office_phone', 'mobile_phone', 'duty_person', 'voicemail'] as const;
export type RouteTarget = (typeof TARGETS)[number];

/** work_hours: opening hours per day type (null = closed); after hours and holidays say where calls go. */
export const WorkHoursBody = z.object({
  weekday: span.nullable(),
  saturday: span.nullable(),
  sunday: span.nullable(),
  afterHours: z.enum(['forward_to_mobile', 'forward_to_duty', 'voicemail']).default('forward_to_mobile'),
  holiday: z.enum(['forward_to_duty', 'voicemail']).default('forward_to_duty'),
  /** Ring budget of one call over all people before the duty person / voicemail (seconds). */
  maxRingSeconds: z.number().int().min(10).max(300).default(60),
});
export type WorkHours = z.infer<typeof WorkHoursBody>;

/** time_slot: who answers in a slot of the day (seed TIME_BASED_ROUTING). */
export const TimeSlotBody = z.object({
  days: z.enum(['weekday', 'weekend', 'saturday', 'sunday']),
  start: hhmm,
  end: hhmmEnd,
  primary: z.enum(['office_phone', 'mobile_phone', 'duty_person']),
  backup: z.enum(TARGETS),
  strategy: z.enum(['sequential', 'simultaneous', 'direct']),
});
export type TimeSlot = z.infer<typeof TimeSlotBody>;

/** forwarding: the gateway's busy / no-answer / offline / unconditional forwarding (seed VOIP_FORWARDING_CONFIG). */
export const ForwardingBody = z.object({
  condition: z.enum(['unconditional', 'busy', 'no_answer', 'offline']),
  enabled: z.boolean(),
  target: z.enum(['mobile_phone', 'duty_person', 'voicemail']).nullable(),
  timeoutSec: z.number().int().min(1).max(120),
});
export type Forwarding = z.infer<typeof ForwardingBody>;

const BODY_BY_KIND = { work_hours: WorkHoursBody, time_slot: TimeSlotBody, forwarding: ForwardingBody } as const;

/** Validates a rule body for its kind; a bad body is INVALID_ROUTING_RULE (422) listing each field. */
export function parseRuleBody(kind: RoutingRuleKind, body: unknown): Record<string, unknown> {
  const result = check(BODY_BY_KIND[kind], body);
  if (!result.ok) {
    const fields = result.issues.map((i) => ({ field: i.field === '(body)' ? 'body' : `body.${i.field}`, message: i.message }));
    throw new DomainError('INVALID_ROUTING_RULE', `路由规则内容不合法: ${fields.map((f) => f.field).join(', ')}`, { fields });
  }
  return result.data as Record<string, unknown>;
}

/** The rule set the policy reads; missing kinds fall back to the seed's defaults. */
export type RoutingRules = { workHours: WorkHours; slots: TimeSlot[]; forwarding: Forwarding[] };

export const DEFAULT_RULES: RoutingRules = {
  workHours: {
    weekday: { start: '09:00', end: '18:00' },
    saturday: { start: '09:00', end: '12:00' },
    sunday: null,
    afterHours: 'forward_to_mobile',
    holiday: 'forward_to_duty',
    maxRingSeconds: 60,
  },
  slots: [
    { days: 'weekday', start: '09:00', end: '12:00', primary: 'office_phone', backup: 'mobile_phone', strategy: 'sequential' },
    { days: 'weekday', start: '12:00', end: '13:30', primary: 'mobile_phone', backup: 'voicemail', strategy: 'direct' },
    { days: 'weekday', start: '13:30', end: '18:00', primary: 'office_phone', backup: 'mobile_phone', strategy: 'sequential' },
    { days: 'weekday', start: '18:00', end: '22:00', primary: 'mobile_phone', backup: 'voicemail', strategy: 'direct' },
    { days: 'weekday', start: '22:00', end: '09:00', primary: 'duty_person', backup: 'voicemail', strategy: 'direct' },
    { days: 'weekend', start: '09:00', end: '18:00', primary: 'mobile_phone', backup: 'duty_person', strategy: 'sequential' },
    { days: 'weekend', start: '18:00', end: '09:00', primary: 'duty_person', backup: 'voicemail', strategy: 'direct' },
  ],
  forwarding: [
    { condition: 'unconditional', enabled: false, target: null, timeoutSec: 1 },
    { condition: 'busy', enabled: true, target: 'mobile_phone', timeoutSec: 10 },
    { condition: 'no_answer', enabled: true, target: 'mobile_phone', timeoutSec: 15 },
    { condition: 'offline', enabled: true, target: 'duty_person', timeoutSec: 5 },
  ],
};

/** Builds the rule set from stored rows (active, by priority); kinds with no rows keep the defaults. */
export function rulesFromRows(rows: Array<{ kind: RoutingRuleKind; body: Record<string, unknown>; priority: number; active: boolean }>): RoutingRules {
  const active = rows.filter((r) => r.active).sort((a, b) => a.priority - b.priority);
  const of = (kind: RoutingRuleKind) => active.filter((r) => r.kind === kind);
  const hours = of('work_hours')[0];
  const slots = of('time_slot');
  const forwarding = of('forwarding');
  return {
    workHours: hours ? WorkHoursBody.parse(hours.body) : DEFAULT_RULES.workHours,
    slots: slots.length ? slots.map((r) => TimeSlotBody.parse(r.body)) : DEFAULT_RULES.slots,
    forwarding: forwarding.length ? forwarding.map((r) => ForwardingBody.parse(r.body)) : DEFAULT_RULES.forwarding,
  };
}
