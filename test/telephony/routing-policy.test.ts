// The machine's zone must not matter: business rules are stated in Asia/Shanghai.
process.env.TZ = 'America/Los_Angeles';

import { describe, expect, it } from 'vitest';
import { planRoute, type RoutingInput, type RoutingStaff } from '../../src/domain/routing/routing-policy.js';
import { DEFAULT_RULES, parseRuleBody, rulesFromRows } from '../../src/domain/routing/routing-rules.js';
import { effectiveStatus } from '../../src/domain/sales-status/sales-status.service.js';
import { atLocalTime } from '../../src/domain/shared/business-time.js';
import { bridgeString } from '../../src/telephony/bridge-string.js';

const TZ = 'Asia/Shanghai';
const MON = '2026-06-15';
const SAT = '2026-06-20';
const SUN = '2026-06-21';

function person(id: number, over: Partial<RoutingStaff>): RoutingStaff {
  return {
    id,
    name: `销售${id}`,
    role: 'sales',
    officeExt: null,
    mobile: null,
    forwardingType: 'sequential',
    officeTimeoutSec: 15,
    mobileTimeoutSec: 20,
    dutyDays: [],
    dutyStart: null,
    dutyEnd: null,
    maxDailyCalls: 50,
    callsToday: 0,
    status: 'unknown',
    ...over,
  };
}

/** Seed 003's team: managers A/B/C and the duty person. */
const A = person(1, { name: '销售经理A', officeExt: '8001', mobile: '13800000001', forwardingType: 'simultaneous', officeTimeoutSec: 10, mobileTimeoutSec: 25, dutyDays: ['mon', 'tue', 'wed', 'thu', 'fri'], dutyStart: '09:00', dutyEnd: '22:00' });
const B = person(2, { name: '销售经理B', officeExt: '8002', mobile: '13800000002', dutyDays: ['mon', 'tue', 'wed', 'thu', 'fri', 'sat'], dutyStart: '09:00', dutyEnd: '20:00' });
const C = person(3, { name: '销售经理C', officeExt: '8003', mobile: '13800000003', dutyDays: ['wed', 'thu', 'fri', 'sat', 'sun'], dutyStart: '10:00', dutyEnd: '21:00' });
const D = person(4, { name: '值班人员', role: 'duty', mobile: '13800009999', dutyDays: ['sun'], dutyStart: '09:00', dutyEnd: '18:00' });

function input(date: string, hhmm: string, over: Partial<RoutingInput> = {}, staff: Partial<Record<number, Partial<RoutingStaff>>> = {}): RoutingInput {
  return {
    now: atLocalTime(date, hhmm, TZ),
    timeZone: TZ,
    rules: DEFAULT_RULES,
    holidays: [],
    staff: [A, B, C, D].map((s) => ({ ...s, ...staff[s.id] })),
    duty: [
      { staffId: 4, days: ['sun', 'mon', 'tue', 'wed', 'thu', 'fri'], startTime: '22:00', endTime: '09:00', priority: 0 },
      { staffId: 4, days: ['sun', 'holiday'], startTime: '09:00', endTime: '18:00', priority: 0 },
      { staffId: 2, days: ['sat'], startTime: '09:00', endTime: '18:00', priority: 0 },
    ],
    ownerStaffId: null,
    voicemailMaxSeconds: 120,
    ...over,
  };
}

const dial = (i: RoutingInput) => bridgeString(planRoute(i), { gateway: 'dag1000' });
const duty = '[leg_timeout=20]sofia/gateway/dag1000/13800009999';
/** The duty leg shortened to what is left of the 60 s ring budget after 45 s of mobiles. */
const dutyLast15s = '[leg_timeout=15]sofia/gateway/dag1000/13800009999';

describe('routing policy at boundary times (Asia/Shanghai, machine zone America/Los_Angeles)', () => {
  it('weekday 08:59: the night slot rings the duty person only', () => {
    const plan = planRoute(input(MON, '08:59'));
    expect(plan.period).toBe('after_hours');
    expect(plan.slot).toMatchObject({ start: '22:00', end: '09:00', primary: 'duty_person' });
    expect(dial(input(MON, '08:59'))).toBe(duty);
  });

  it('weekday 09:00, statuses unknown: office then mobile (sequential) per person within the ring budget, then the duty person', () => {
    const plan = planRoute(input(MON, '09:00'));
    expect(plan.period).toBe('work_hours');
    expect(plan.suggestedStaffId).toBe(1);
    // A: 10 + 25 s uses 35 of 60 s; B (15 + 20) would pass the budget.
    expect(dial(input(MON, '09:00'))).toBe(`[leg_timeout=10]user/8001|[leg_timeout=25]sofia/gateway/dag1000/13800000001|${duty}`);
  });

  it('weekday 12:00: lunch slot rings mobiles directly', () => {
    expect(dial(input(MON, '12:00'))).toBe(`[leg_timeout=25]sofia/gateway/dag1000/13800000001|[leg_timeout=20]sofia/gateway/dag1000/13800000002|${dutyLast15s}`);
  });

  it('weekday 11:59 is still the morning office slot; 13:30 is office again', () => {
    expect(planRoute(input(MON, '11:59')).slot?.start).toBe('09:00');
    expect(planRoute(input(MON, '13:29')).slot?.start).toBe('12:00');
    expect(planRoute(input(MON, '13:30')).slot?.start).toBe('13:30');
  });

  it('weekday 18:00: after hours forwards to mobiles of whoever is still on duty (A to 22:00, B to 20:00)', () => {
    const plan = planRoute(input(MON, '18:00'));
    expect(plan.period).toBe('after_hours');
    expect(dial(input(MON, '18:00'))).toBe(`[leg_timeout=25]sofia/gateway/dag1000/13800000001|[leg_timeout=20]sofia/gateway/dag1000/13800000002|${dutyLast15s}`);
    // 20:30: B's day is over.
    expect(dial(input(MON, '20:30'))).toBe(`[leg_timeout=25]sofia/gateway/dag1000/13800000001|${duty}`);
  });

  it('weekday 22:00: duty person (night roster), voicemail after', () => {
    const plan = planRoute(input(MON, '22:00'));
    expect(plan.slot?.primary).toBe('duty_person');
    expect(plan.voicemail.maxSeconds).toBe(120);
    expect(dial(input(MON, '22:00'))).toBe(duty);
    expect(dial(input(MON, '21:59'))).toContain('13800000001');
  });

  it('holiday: the holiday roster (duty person), whatever the hour', () => {
    const i = input(MON, '10:00', { holidays: [{ date: MON, workday: false }] });
    expect(planRoute(i).period).toBe('holiday');
    expect(dial(i)).toBe(duty);
  });

  it('holiday with forwarding to voicemail: empty bridge (straight to voicemail)', () => {
    const rules = { ...DEFAULT_RULES, workHours: { ...DEFAULT_RULES.workHours, holiday: 'voicemail' as const } };
    expect(dial(input(MON, '10:00', { rules, holidays: [{ date: MON, workday: false }] }))).toBe('');
  });

  it('Sunday is closed: duty person 09:00-18:00 by the roster', () => {
    const plan = planRoute(input(SUN, '10:00'));
    expect(plan.period).toBe('closed');
    expect(dial(input(SUN, '10:00'))).toBe(duty);
  });

  it('a make-up working Sunday (调休) routes like a weekday', () => {
    const i = input(SUN, '10:00', { holidays: [{ date: SUN, workday: true }] });
    expect(planRoute(i).period).toBe('work_hours');
    // Personal duty days still follow the real weekday: C works Sundays, A does not.
    expect(dial(i)).toBe(`[leg_timeout=15]user/8003|[leg_timeout=20]sofia/gateway/dag1000/13800000003|${duty}`);
  });

  it('Saturday 10:00: weekend slot, mobiles of B and C (on duty Saturdays)', () => {
    expect(dial(input(SAT, '10:00'))).toBe('[leg_timeout=20]sofia/gateway/dag1000/13800000002|[leg_timeout=20]sofia/gateway/dag1000/13800000003');
    // Saturday 12:00 is after Saturday's opening hours: forward to mobile still applies.
    expect(planRoute(input(SAT, '12:00')).period).toBe('after_hours');
  });
});

describe('forwarding by sales status and binding', () => {
  it('in_office with a simultaneous binding rings office and mobile together', () => {
    expect(dial(input(MON, '10:00', {}, { 1: { status: 'in_office' }, 2: { status: 'in_meeting' } }))).toBe(
      `[leg_timeout=10]user/8001,[leg_timeout=25]sofia/gateway/dag1000/13800000001|[leg_timeout=20]sofia/gateway/dag1000/13800000002|${dutyLast15s}`,
    );
  });

  it('the whole plan, duty legs included, rings within maxRingSeconds at every hour and status', () => {
    const ringSeconds = (i: RoutingInput) => planRoute(i).steps.reduce((sum, st) => sum + Math.max(...st.legs.map((l) => l.timeoutSec)), 0);
    const statuses = ['unknown', 'in_office', 'in_field', 'in_meeting', 'off_duty'] as const;
    for (const date of [MON, SAT, SUN]) {
      for (let h = 0; h < 24; h++) {
        for (const status of statuses) {
          const i = input(date, `${String(h).padStart(2, '0')}:30`, {}, { 1: { status }, 2: { status }, 3: { status } });
          expect(ringSeconds(i), `${date} ${h}:30 ${status}`).toBeLessThanOrEqual(60);
        }
      }
    }
    // A tighter budget cuts the plan: 30 s = A's office (10 s) and 20 s of A's mobile; nobody after.
    const rules = { ...DEFAULT_RULES, workHours: { ...DEFAULT_RULES.workHours, maxRingSeconds: 30 } };
    const plan = planRoute(input(MON, '09:00', { rules }));
    expect(bridgeString(plan, { gateway: 'dag1000' })).toBe('[leg_timeout=10]user/8001|[leg_timeout=20]sofia/gateway/dag1000/13800000001');
    expect(plan.reasons).toEqual(expect.arrayContaining([expect.stringMatching(/ring budget 30s/)]));
  });

  it('in_office with a sequential binding: office, then mobile on no-answer/busy forwarding', () => {
    const plan = planRoute(input(MON, '10:00', { ownerStaffId: 2 }, { 2: { status: 'in_office' } }));
    expect(bridgeString({ steps: plan.steps.slice(0, 2) }, { gateway: 'dag1000' })).toBe('[leg_timeout=15]user/8002|[leg_timeout=20]sofia/gateway/dag1000/13800000002');
  });

  it('in_field and in_meeting ring the mobile', () => {
    const plan = planRoute(input(MON, '10:00', { ownerStaffId: 2 }, { 2: { status: 'in_field' } }));
    expect(plan.steps[0]!.legs).toEqual([{ staffId: 2, kind: 'mobile', target: '13800000002', timeoutSec: 20 }]);
  });

  it("the customer's owner rings first when available", () => {
    const plan = planRoute(input(MON, '10:00', { ownerStaffId: 2 }));
    expect(plan.suggestedStaffId).toBe(2);
    expect(plan.steps[0]!.legs[0]).toMatchObject({ staffId: 2, kind: 'office' });
  });

  it('an off-duty owner is skipped and the duty person covers', () => {
    const plan = planRoute(input(MON, '10:00', { ownerStaffId: 2 }, { 2: { status: 'off_duty' } }));
    expect(plan.staffIds).not.toContain(2);
    expect(plan.staffIds.at(-1)).toBe(4);
  });

  it('staff at their daily call cap are skipped', () => {
    const plan = planRoute(input(MON, '12:00', {}, { 1: { callsToday: 50 } }));
    expect(plan.staffIds).toEqual([2, 4]);
    expect(plan.reasons).toContain('staff 1 at daily cap');
  });

  it('a status older than one hour counts as unknown: sequential office then mobile', () => {
    const now = atLocalTime(MON, '10:00', TZ);
    const stale = effectiveStatus({ status: 'in_field', updatedAt: new Date(now.getTime() - 61 * 60_000), expiresAt: new Date(now.getTime() - 60_000) }, now);
    expect(stale.status).toBe('unknown');
    const plan = planRoute(input(MON, '10:00', { ownerStaffId: 1 }, { 1: { status: stale.status } }));
    expect(bridgeString({ steps: plan.steps.slice(0, 2) }, { gateway: 'gw' })).toBe('[leg_timeout=10]user/8001|[leg_timeout=25]sofia/gateway/gw/13800000001');
  });

  it('unconditional forwarding to the duty person overrides everything', () => {
    const rules = { ...DEFAULT_RULES, forwarding: [{ condition: 'unconditional' as const, enabled: true, target: 'duty_person' as const, timeoutSec: 1 }] };
    expect(dial(input(MON, '10:00', { rules }))).toBe(duty);
  });

  it('a simultaneous slot rings every candidate at once', () => {
    const rules = rulesFromRows([{ kind: 'time_slot', body: { days: 'weekday', start: '09:00', end: '18:00', primary: 'mobile_phone', backup: 'voicemail', strategy: 'simultaneous' }, priority: 0, active: true }]);
    const plan = planRoute(input(MON, '10:00', { rules }));
    expect(plan.steps[0]!.legs.map((l) => l.target)).toEqual(['13800000001', '13800000002']);
  });
});

describe('rule bodies', () => {
  it('rejects a bad time with INVALID_ROUTING_RULE and the field', () => {
    expect(() => parseRuleBody('time_slot', { days: 'weekday', start: '25:00', end: '09:00', primary: 'office_phone', backup: 'voicemail', strategy: 'direct' })).toThrow(
      expect.objectContaining({ code: 'INVALID_ROUTING_RULE' }),
    );
  });
});
