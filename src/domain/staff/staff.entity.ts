import { defineEntity, p, type InferEntity } from '@mikro-orm/core';
import { timestamps } from '../shared/entity-columns.js';

export const STAFF_ROLES = ['sales', 'manager', 'admin', 'duty'] as const;
export type StaffRole = (typeof STAFF_ROLES)[number];
export const WEEKDAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;
export type Weekday = (typeof WEEKDAYS)[number];

/** A member of the sales team: sales person, manager, admin or duty person, with how to reach them. */
export const StaffSchema = defineEntity({
  name: 'Staff',
  tableName: 'staff',
  properties: {
    id: p.integer().primary().autoincrement(),
    name: p.string().length(64),
    role: p.enum([...STAFF_ROLES]).index(),
    mobile: p.string().length(20).nullable(),
    mobileLast8: p.string().length(8).nullable().index(),
    officeExt: p.string().length(16).nullable(),
    wecomUserId: p.string().length(64).nullable().unique(),
    wechatContactId: p.string().length(128).nullable().unique(),
    miniappOpenId: p.string().length(64).nullable().unique(),
    forwardingType: p.enum(['sequential', 'simultaneous']).default('sequential'),
    officeTimeoutSec: p.integer().default(15),
    mobileTimeoutSec: p.integer().default(20),
    dutyDays: p.json<Weekday[]>().default('[]').onCreate(() => []),
    dutyStart: p.string().length(5).nullable(),
    dutyEnd: p.string().length(5).nullable(),
    maxDailyCalls: p.integer().default(50),
    active: p.boolean().default(true),
    /**
     * The mobile while the member is active, NULL otherwise: computed by the database, so its unique key
     * makes "a mobile belongs to one active staff member" hold under concurrent writes (STAFF_MOBILE_TAKEN).
     */
    activeMobile: p.string().length(20).nullable().generated('(case when active = 1 then mobile end) virtual').unique(),
    ...timestamps(),
  },
});

export type Staff = InferEntity<typeof StaffSchema>;
