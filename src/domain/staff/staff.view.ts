import { maskPhone } from '../shared/phone.js';
import type { Staff, Weekday } from './staff.entity.js';

/** How a staff member appears in lists and cards: the mobile masked. */
export function staffListItem(staff: Staff) {
  return {
    id: staff.id,
    name: staff.name,
    role: staff.role,
    mobile: staff.mobile ? maskPhone(staff.mobile) : null,
    officeExt: staff.officeExt,
    wecomUserId: staff.wecomUserId,
    active: staff.active,
    createdAt: staff.createdAt,
  };
}

/** Duty days as a list: rows created before staff.service set `[]` hold the JSON default as the text "[]". */
function weekdaysOf(value: unknown): Weekday[] {
  const parsed = typeof value === 'string' ? (JSON.parse(value) as unknown) : value;
  return Array.isArray(parsed) ? (parsed as Weekday[]) : [];
}

/** One staff member with how calls reach them (duty days and hours, daily cap, forwarding); the mobile masked. */
export function staffDetail(staff: Staff) {
  return {
    ...staffListItem(staff),
    dutyDays: weekdaysOf(staff.dutyDays),
    dutyStart: staff.dutyStart ?? null,
    dutyEnd: staff.dutyEnd ?? null,
    maxDailyCalls: staff.maxDailyCalls,
    forwardingType: staff.forwardingType,
    officeTimeoutSec: staff.officeTimeoutSec,
    mobileTimeoutSec: staff.mobileTimeoutSec,
    updatedAt: staff.updatedAt,
  };
}
