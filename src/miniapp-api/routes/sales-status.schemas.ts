import { z } from 'zod';
import { SALES_STATUSES } from '../../domain/sales-status/staff-status.entity.js';
import { instant } from '../http/response.schemas.js';

/** A staff member sets their own status (the API and the mini-program alike). */
export const salesStatusBody = z.object({ status: z.enum(SALES_STATUSES), location: z.string().trim().max(128).optional() });

/** The status a staff member has now (`unknown` when it is older than an hour). */
export const effectiveStatus = z.object({ status: z.enum([...SALES_STATUSES, 'unknown']), location: z.string().nullable(), updatedAt: instant.nullable() });
