import { defineEntity, p, type InferEntity } from '@mikro-orm/core';
import { timestamps } from '../shared/entity-columns.js';
import { StaffSchema } from '../staff/staff.entity.js';

export const SALES_STATUSES = ['in_office', 'in_field', 'in_meeting', 'off_duty', 'on_leave'] as const;
export type SalesStatus = (typeof SALES_STATUSES)[number];

/**
 * A sales person's current status for smart routing (seed 003); one row per staff member.
 * `expires_at` replaces the seed's one-hour Redis TTL: past it the status counts as unknown.
 */
export const StaffStatusSchema = defineEntity({
  name: 'StaffStatus',
  tableName: 'staff_statuses',
  properties: {
    id: p.integer().primary().autoincrement(),
    staff: () => p.oneToOne(StaffSchema).owner().mapToPk().joinColumn('staff_id').deleteRule('cascade'),
    status: p.enum([...SALES_STATUSES]),
    location: p.string().length(128).nullable(),
    expiresAt: p.datetime().nullable(),
    ...timestamps(),
  },
});

export type StaffStatus = InferEntity<typeof StaffStatusSchema>;
