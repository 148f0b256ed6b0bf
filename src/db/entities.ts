import { StaffSchema } from '../domain/staff/staff.entity.js';
import { RolePermissionSchema } from '../domain/auth/role-permission.entity.js';
import { AuditLogSchema } from '../domain/audit/audit-log.entity.js';
import { AgendaJobSchema } from '../jobs/sql-backend/agenda-job.entity.js';

/** Every entity the ORM knows; the migrations are generated from this list. */
export const allEntities = [StaffSchema, RolePermissionSchema, AuditLogSchema, AgendaJobSchema];
