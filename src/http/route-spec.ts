import type { z } from 'zod';
import type { ErrorCode } from '../domain/errors/registry.js';
import type { Permission } from '../domain/auth/permissions.js';

export type HttpMethod = 'get' | 'post' | 'put' | 'patch' | 'delete';

/** Who may call a route, and how they prove it (the OpenAPI document's security and `x-permissions`). */
export type RouteAccess =
  /** A staff bearer token; at least one of `permissions` (none listed: any signed-in staff member). */
  | { kind: 'staff'; permissions: readonly Permission[] }
  /** A mini-program session token (audience `miniapp`). */
  | { kind: 'miniapp' }
  /** Anyone (health probes, the API description, the mini-program login). */
  | { kind: 'public' }
  /** A carrier callback: the secret is the `:token` in the path (TENCENT_SMS_CALLBACK_TOKEN). */
  | { kind: 'callback-token' }
  /** A link signed with APP_SECRET (`expires` and `sig` in the query). */
  | { kind: 'signed-url' }
  /** WeCom's `msg_signature` over the encrypted message. */
  | { kind: 'wecom-signature' }
  /** The Prometheus scrape token (METRICS_TOKEN) as `Authorization: Bearer <token>`. */
  | { kind: 'metrics-token' }
  /** The live board's session cookie (HttpOnly, sent only to the board's event stream; POST /api/board/session sets it). */
  | { kind: 'board-session' };

export type ResponseSpec = {
  description: string;
  /** The `data` of the `{ code, message, data }` envelope, or the whole body when `envelope` is false. */
  schema?: z.ZodType;
  /** Defaults to true for JSON: `{ code: <status>, message: '操作成功', data }`. */
  envelope?: boolean;
  /** Defaults to application/json. */
  contentType?: string;
};

/**
 * A route as the API describes it: declared once, next to its handler; the same schemas validate the
 * request and generate the OpenAPI document. `errors` lists the codes its service can answer; the
 * codes every route of its kind can answer (401, 403, 422 VALIDATION_FAILED, 400 INVALID_JSON, 500 …)
 * are added by `routeErrors`.
 */
export type RouteSpec = {
  method: HttpMethod;
  /** Koa style: `/api/calls/:id/recording`. */
  path: string;
  summary: string;
  description?: string;
  tags: readonly string[];
  access: RouteAccess;
  params?: z.ZodType;
  query?: z.ZodType;
  body?: z.ZodType;
  /** Defaults to application/json. */
  bodyContentType?: string;
  responses: { readonly [status: number]: ResponseSpec };
  errors: readonly ErrorCode[];
};

const SPECS = Symbol.for('sales-ops.routeSpecs');

/** Attaches route specs to a router (any object the app mounts), so the app can describe what it serves. */
export function describeRouter<R extends object>(router: R, specs: readonly RouteSpec[]): R {
  const existing = (router as Record<symbol, RouteSpec[] | undefined>)[SPECS] ?? [];
  Object.defineProperty(router, SPECS, { value: [...existing, ...specs], configurable: true, enumerable: false });
  return router;
}

/** The specs attached to a router; empty for a router written without them. */
export function routeSpecsOf(router: object): readonly RouteSpec[] {
  return (router as Record<symbol, RouteSpec[] | undefined>)[SPECS] ?? [];
}

const hasBody = (spec: RouteSpec) => spec.method !== 'get';

/** The body type of a file upload; only a route declaring it reads a multipart body (others answer 415). */
export const MULTIPART = 'multipart/form-data';

/** Every code a route can answer: its own, plus those of its access kind, its input and the door. */
export function routeErrors(spec: RouteSpec): ErrorCode[] {
  const codes = new Set<ErrorCode>(spec.errors);
  const { access } = spec;
  if (access.kind === 'staff' || access.kind === 'miniapp') {
    codes.add('UNAUTHENTICATED');
    codes.add('TOKEN_EXPIRED');
  }
  if (access.kind === 'staff' && access.permissions.length > 0) codes.add('FORBIDDEN');
  if (access.kind === 'callback-token') codes.add('CALLBACK_FORBIDDEN');
  if (access.kind === 'metrics-token') codes.add('UNAUTHENTICATED');
  if (access.kind === 'board-session') {
    codes.add('UNAUTHENTICATED');
    codes.add('TOKEN_EXPIRED');
  }
  if (spec.params || spec.query || spec.body) codes.add('VALIDATION_FAILED');
  if (hasBody(spec)) {
    codes.add('INVALID_JSON');
    codes.add('PAYLOAD_TOO_LARGE');
    if (spec.bodyContentType !== MULTIPART) codes.add('UNSUPPORTED_MEDIA_TYPE');
    // A concurrent write the database refused (unique or foreign key).
    codes.add('CONFLICT');
    codes.add('REFERENCE_NOT_FOUND');
  }
  codes.add('INTERNAL_ERROR');
  return [...codes];
}

/** `/api/calls/:id/recording` → `/api/calls/{id}/recording`. */
export function openApiPath(path: string): string {
  return path.replace(/:([A-Za-z0-9_]+)/g, '{$1}');
}
