import { z } from 'zod';
import { STAFF_ROLES } from '../../domain/staff/staff.entity.js';
import { route, routes } from '../http/route.js';

const me = z.object({ id: z.number().int(), name: z.string(), role: z.enum(STAFF_ROLES), permissions: z.array(z.string()) });

/** GET /api/me: who the token belongs to and what they may do (the mini-program shows menus by it). */
export function meRoutes() {
  return routes(
    route({
      method: 'get',
      path: '/api/me',
      summary: '当前员工及其权限',
      tags: ['staff'],
      permissions: [],
      responses: { 200: { description: '令牌所属员工', schema: me } },
      errors: [],
      handler: (ctx) => {
        const staff = ctx.state.staff!;
        return { id: staff.id, name: staff.name, role: staff.role, permissions: [...staff.permissions].sort() };
      },
    }),
  );
}
