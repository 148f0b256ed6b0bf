import Koa from 'koa';
import type { Router } from '@koa/router';
import type { Orm } from '../db/orm.js';
import type { Logger } from '../logging/logger.js';
import type { PermissionService } from '../domain/auth/permission.service.js';
import { bodyParser } from './http/body-parser.js';
import { errorHandler } from './http/error-handler.js';
import { requestContext, type AppState } from './http/request-context.js';
import { authenticate } from './auth/authenticate.js';
import type { StaffTokens } from './auth/staff-token.js';
import { healthRoutes } from './routes/health.routes.js';
import { meRoutes } from './routes/me.routes.js';
import { staffRoutes } from './routes/staff.routes.js';
import { auditRoutes } from './routes/audit.routes.js';
import { jobsRoutes, type JobsView } from './routes/jobs.routes.js';

export type HttpDeps = {
  orm: Orm;
  logger: Logger;
  tokens: StaffTokens;
  permissions: PermissionService;
  jobs: JobsView;
  /** Routers that need no staff token (callbacks, mini-program login); mounted before authentication. */
  publicRouters?: Router<AppState>[];
  /** Routers behind the staff bearer token; each route checks its own permission. */
  staffRouters?: Router<AppState>[];
};

/** The Koa app: request context (id, logger, access log) first, then the error envelope, body parsing, public routes, auth, staff routes. */
export function createHttpApp(deps: HttpDeps): Koa<AppState> {
  const app = new Koa<AppState>({ proxy: true });
  app.silent = true;
  const use = (router: Router<AppState>) => {
    app.use(router.routes());
    app.use(router.allowedMethods({ throw: false }));
  };
  app.use(requestContext(deps.orm, deps.logger));
  app.use(errorHandler());
  app.use(bodyParser());
  use(healthRoutes(deps.orm));
  for (const router of deps.publicRouters ?? []) use(router);
  const authenticated = authenticate(deps.tokens, deps.permissions);
  app.use(async (ctx, next) => (ctx.path.startsWith('/api/') ? authenticated(ctx, next) : next()));
  for (const router of [meRoutes(), staffRoutes(), auditRoutes(), jobsRoutes(deps.jobs)]) use(router);
  for (const router of deps.staffRouters ?? []) use(router);
  return app;
}
