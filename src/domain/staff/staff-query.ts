import type { EntityManager } from '@mikro-orm/core';
import { StaffSchema, type StaffRole } from './staff.entity.js';
import { staffListItem } from './staff.view.js';

export type StaffListQuery = {
  page: number;
  size: number;
  sort: 'id' | 'name' | 'createdAt';
  order: 'asc' | 'desc';
  role?: StaffRole;
};

export async function listStaff(em: EntityManager, q: StaffListQuery) {
  const [rows, total] = await em.findAndCount(StaffSchema, q.role ? { role: q.role } : {}, {
    orderBy: { [q.sort]: q.order },
    limit: q.size,
    offset: (q.page - 1) * q.size,
  });
  return { rows: rows.map(staffListItem), total };
}
