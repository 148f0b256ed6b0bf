import { Router } from '@koa/router';
import type { AppState } from '../http/request-context.js';
import { respond } from '../http/envelope.js';

/** GET /api/me: who the token belongs to and what they may do (the mini-program shows menus by it). */
export function meRoutes(): Router<AppState> {
  const router = new Router<AppState>();
  router.get('/api/me', (ctx) => {
    const staff = ctx.state.staff!;
    respond(ctx, { id: staff.id, name: staff.name, role: staff.role, permissions: [...staff.permissions].sort() });
  });
  return router;
}
