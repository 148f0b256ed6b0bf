import type { EntityManager } from '@mikro-orm/core';
import type { AuditChannel } from '../audit/audit-log.entity.js';
import type { StaffRole } from '../staff/staff.entity.js';
import type { Actor } from './actor.js';
import type { PermissionService } from './permission.service.js';

/** The fields of a staff row an Actor is built from. */
export type ActingStaff = { id: number; name: string; role: StaffRole };

/**
 * The Actor of a staff member acting through a door: their role's permissions as role_permissions holds
 * them now (so a grant or a revocation takes effect within the permission cache's lifetime).
 */
export async function actorForStaff(
  em: EntityManager,
  permissions: PermissionService,
  staff: ActingStaff,
  channel: AuditChannel,
  requestId?: string,
): Promise<Actor> {
  return {
    staffId: staff.id,
    name: staff.name,
    role: staff.role,
    permissions: await permissions.permissionsFor(em, staff.role),
    channel,
    ...(requestId ? { requestId } : {}),
  };
}

/** Who acts, as far as an audit row needs it: the staff member, the door and the request. */
export type ActingAs = Pick<Actor, 'staffId' | 'channel' | 'requestId'>;

/** The audit fields of an action taken by the actor (who, through which door, under which request). */
export function auditedBy(actor: ActingAs): { actorStaffId: number; channel: AuditChannel; requestId?: string } {
  return { actorStaffId: actor.staffId, channel: actor.channel, ...(actor.requestId ? { requestId: actor.requestId } : {}) };
}
