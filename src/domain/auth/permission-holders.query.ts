import type { EntityManager } from '@mikro-orm/core';
import { StaffSchema, type Staff } from '../staff/staff.entity.js';
import { RolePermissionSchema } from './role-permission.entity.js';

/**
 * Active staff whose role holds at least one of the permissions, as role_permissions says now (who gets an
 * approval card, who gets the approvals part of the digest). Two indexed reads, no role names.
 */
export async function activeStaffHolding(em: EntityManager, anyOf: readonly string[]): Promise<Staff[]> {
  if (anyOf.length === 0) return [];
  const grants = await em.find(RolePermissionSchema, { permission: { $in: [...anyOf] } }, { fields: ['role'], disableIdentityMap: true });
  const roles = [...new Set(grants.map((g) => g.role))];
  if (roles.length === 0) return [];
  return em.find(StaffSchema, { role: { $in: roles }, active: true }, { orderBy: { id: 'asc' } });
}
