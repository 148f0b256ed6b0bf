import type { EntityManager } from '@mikro-orm/core';
import { CallSchema } from '../calls/call.entity.js';
import { effectiveStatus } from '../sales-status/sales-status.service.js';
import { StaffStatusSchema } from '../sales-status/staff-status.entity.js';
import { addDays, atLocalTime, localParts } from '../shared/business-time.js';
import { nationalNumber } from '../shared/phone.js';
import { StaffSchema } from '../staff/staff.entity.js';
import { DutyScheduleSchema } from './duty-schedule.entity.js';
import { HolidaySchema } from './holiday.entity.js';
import { RoutingRuleSchema } from './routing-rule.entity.js';
import { rulesFromRows } from './routing-rules.js';
import type { RoutingInput, RoutingStaff } from './routing-policy.js';

/**
 * Reads everything the routing policy needs for one call at `now`: rules, the holidays of today and
 * yesterday, active staff with their effective status and answered calls today, the duty roster.
 */
export async function loadRoutingInput(
  em: EntityManager,
  input: { now: Date; timeZone: string; ownerStaffId: number | null; voicemailMaxSeconds: number },
): Promise<RoutingInput> {
  const today = localParts(input.now, input.timeZone).date;
  const dayStart = atLocalTime(today, '00:00', input.timeZone);
  const [ruleRows, holidays, staff, statuses, duty, answered] = await Promise.all([
    em.find(RoutingRuleSchema, { active: true }, { orderBy: { priority: 'asc', id: 'asc' } }),
    em.find(HolidaySchema, { date: { $in: [today, addDays(today, -1)] } }),
    em.find(StaffSchema, { active: true }, { orderBy: { id: 'asc' } }),
    em.find(StaffStatusSchema, {}),
    em.find(DutyScheduleSchema, { active: true }),
    em.find(CallSchema, { answeredAt: { $gte: dayStart }, answeredBy: { $ne: null } }, { fields: ['id', 'answeredBy'] }),
  ]);
  const callsToday = new Map<number, number>();
  for (const r of answered) if (r.answeredBy != null) callsToday.set(r.answeredBy, (callsToday.get(r.answeredBy) ?? 0) + 1);
  const statusBy = new Map(statuses.map((s) => [s.staff, s]));
  const routingStaff: RoutingStaff[] = staff.map((s) => ({
    id: s.id,
    name: s.name,
    role: s.role,
    officeExt: s.officeExt ?? null,
    mobile: s.mobile ? nationalNumber(s.mobile) : null,
    forwardingType: s.forwardingType,
    officeTimeoutSec: s.officeTimeoutSec,
    mobileTimeoutSec: s.mobileTimeoutSec,
    dutyDays: s.dutyDays ?? [],
    dutyStart: s.dutyStart ?? null,
    dutyEnd: s.dutyEnd ?? null,
    maxDailyCalls: s.maxDailyCalls,
    callsToday: callsToday.get(s.id) ?? 0,
    status: effectiveStatus(statusBy.get(s.id) ?? null, input.now).status,
  }));
  return {
    now: input.now,
    timeZone: input.timeZone,
    rules: rulesFromRows(ruleRows),
    holidays: holidays.map((h) => ({ date: String(h.date).slice(0, 10), workday: h.workday })),
    staff: routingStaff,
    duty: duty.map((d) => ({ staffId: d.staff, days: d.days, startTime: d.startTime, endTime: d.endTime, priority: d.priority })),
    ownerStaffId: input.ownerStaffId,
    voicemailMaxSeconds: input.voicemailMaxSeconds,
  };
}
