import { maskPhone } from '../shared/phone.js';
import type { Staff } from './staff.entity.js';

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


/** One staff member with how calls reach them (duty days and hours, daily cap, forwarding); the mobile masked. */
export function staffDetail(staff: Staff) {
  return {
    ...staffListItem(staff),
    dutyDays: staff.dutyDays,
    dutyStart: staff.dutyStart ?? null,
    dutyEnd: staff.dutyEnd ?? null,
    maxDailyCalls: staff.maxDailyCalls,
    forwardingType: staff.forwardingType,
    officeTimeoutSec: staff.officeTimeoutSec,
    mobileTimeoutSec: staff.mobileTimeoutSec,
    updatedAt: staff.updatedAt,
  };
}
