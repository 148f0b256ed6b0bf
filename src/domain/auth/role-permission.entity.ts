import { defineEntity, p, type InferEntity } from '@mikro-orm/core';
import { STAFF_ROLES } from '../staff/staff.entity.js';

/** One permission granted to one role; the role → permissions map lives here so admins can edit it. */
export const RolePermissionSchema = defineEntity({
  name: 'RolePermission',
  tableName: 'role_permissions',
  properties: {
    role: p.enum([...STAFF_ROLES]).primary(),
    permission: p.string().length(64).primary(),
    grantedAt: p.datetime().onCreate(() => new Date()),
  },
});

export type RolePermission = InferEntity<typeof RolePermissionSchema>;
