import { p } from '@mikro-orm/core';
import { StaffSchema } from './staff.entity.js';

/**
 * Who signed off (or turned down) something that waits in `pending_approval`; spread into an entity's
 * properties. Staff are referenced as their integer id with a foreign key (`mapToPk`), like everywhere.
 */
export function approvalColumns() {
  return {
    approvedBy: () => p.manyToOne(StaffSchema).mapToPk().joinColumn('approved_by').nullable(),
    approvedAt: p.datetime().nullable(),
    rejectedReason: p.string().length(500).nullable(),
  };
}
