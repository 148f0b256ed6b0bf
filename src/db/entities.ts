import { StaffSchema } from '../domain/staff/staff.entity.js';
import { AgendaJobSchema } from '../jobs/sql-backend/agenda-job.entity.js';

/** Every entity the ORM knows; the migrations are generated from this list. */
export const allEntities = [StaffSchema, AgendaJobSchema];
