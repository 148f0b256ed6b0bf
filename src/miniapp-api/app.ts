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
import { docsRoutes } from './routes/docs.routes.js';
import { openApiDocument, type OpenApiDocument } from './http/openapi.js';
import { routeSpecsOf, type RouteSpec } from '../http/route-spec.js';
import { isDisabledDoor } from '../http/disabled-door.js';
import type { Metrics } from '../metrics/metrics.js';
import { httpMetrics } from './http/http-metrics.js';
import { metricsRoutes } from './routes/metrics.routes.js';

const API_INFO = {
  title: 'Sales Ops API',
  version: '0.1.0',
  description: '销售运营后台接口。成功：`{ code, message: "操作成功", data }`；失败：`{ code, message, error: <稳定错误码>, details? }`（错误码表见 README）。',
};

export type HttpDeps = {
  orm: Orm;
  logger: Logger;
  tokens: StaffTokens;
  permissions: PermissionService;
  /** Request durations are recorded here; with `metricsToken` GET /metrics serves the registry. */
  metrics?: Metrics;
  metricsToken?: string;
  /** Routers that need no staff token (callbacks, mini-program login); mounted before authentication. */
  publicRouters?: Router<AppState>[];
  /** Routers behind the staff bearer token; each route checks its own permission. */
  staffRouters?: Router<AppState>[];
};

/**
 * The Koa app: request context (id, logger, access log) first, then the error envelope, body parsing,
 * public routes, auth, staff routes (all of them the capabilities', see src/composition/root.ts). Every mounted router's route specs feed /openapi.json and /docs.
 */
export function createHttpApp(deps: HttpDeps): Koa<AppState> {
  const app = new Koa<AppState>({ proxy: true });
  app.silent = true;
  const specs: RouteSpec[] = [];
  let document: OpenApiDocument | undefined;
  const use = (router: Router<AppState>) => {
    specs.push(...routeSpecsOf(router));
    app.use(router.routes());
    app.use(router.allowedMethods({ throw: false }));
  };
  if (deps.metrics) app.use(httpMetrics(deps.metrics));
  app.use(requestContext(deps.orm, deps.logger));
  app.use(errorHandler());
  // Switched-off doors answer DOOR_DISABLED before any body is read.
  for (const router of (deps.publicRouters ?? []).filter(isDisabledDoor)) use(router);
  app.use(bodyParser());
  use(healthRoutes(deps.orm));
  use(docsRoutes(() => (document ??= openApiDocument(specs, API_INFO))));
  if (deps.metrics && deps.metricsToken) use(metricsRoutes(deps.metrics, deps.metricsToken));
  for (const router of (deps.publicRouters ?? []).filter((r) => !isDisabledDoor(r))) use(router);
  const authenticated = authenticate(deps.tokens, deps.permissions);
  app.use(async (ctx, next) => (ctx.path.startsWith('/api/') ? authenticated(ctx, next) : next()));
  for (const router of deps.staffRouters ?? []) use(router);
  return app;
}
