import { Router, type RouterContext } from '@koa/router';
import type { Middleware } from 'koa';
import type { z } from 'zod';
import type { Permission } from '../../domain/auth/permissions.js';
import { check, type FieldIssue } from '../../domain/shared/validation.js';
import { describeRouter, MULTIPART, type RouteAccess, type RouteSpec } from '../../http/route-spec.js';
import { requirePermission } from '../auth/authenticate.js';
import { respond } from './envelope.js';
import { HttpError } from './http-error.js';
import type { AppState } from './request-context.js';
import { validationFailed } from './validate.js';

type Schema = z.ZodType | undefined;
type Out<S extends Schema> = S extends z.ZodType ? z.output<S> : undefined;

export type RouteInput<P extends Schema, Q extends Schema, B extends Schema> = { params: Out<P>; query: Out<Q>; body: Out<B> };
export type RouteContext<S extends AppState = AppState> = RouterContext<S>;

/** A handler's answer with a status other than the route's first success status (202, …). */
export type Reply = { readonly [REPLY]: true; status: number; data: unknown };
const REPLY = Symbol('reply');
export const reply = (status: number, data: unknown): Reply => ({ [REPLY]: true, status, data });

/**
 * One route, declared once: method, path, who may call it, request and response schemas, the error
 * codes of its service, and the handler. Staff routes name their permissions (any one of them suffices);
 * other kinds name their `access` and may bring a `guard` (the middleware that checks it).
 * The handler receives the validated input and returns the envelope's `data` (or `reply(status, data)`);
 * it returns undefined when it wrote the response itself (a file, a carrier's own answer format).
 */
export type RouteDef<P extends Schema = Schema, Q extends Schema = Schema, B extends Schema = Schema, S extends AppState = AppState> = Omit<RouteSpec, 'access' | 'params' | 'query' | 'body'> & {
  params?: P;
  query?: Q;
  body?: B;
  permissions?: readonly Permission[];
  access?: Exclude<RouteAccess, { kind: 'staff' }>['kind'];
  guard?: Middleware<S>;
  handler(ctx: RouteContext<S>, input: RouteInput<P, Q, B>): unknown;
};

/** Declares a route (typing the handler's input from the schemas). */
export function route<P extends Schema = undefined, Q extends Schema = undefined, B extends Schema = undefined, S extends AppState = AppState>(def: RouteDef<P, Q, B, S>): RouteDef<P, Q, B, S> {
  return def;
}

/** The spec the OpenAPI document is generated from. */
export function specOf(def: RouteDef<any, any, any, any>): RouteSpec {
  const { handler: _handler, guard: _guard, permissions, access, ...rest } = def;
  return { ...rest, access: access ? { kind: access } : { kind: 'staff', permissions: permissions ?? [] } } as RouteSpec;
}

const successStatus = (def: RouteDef<any, any, any, any>) => Math.min(...Object.keys(def.responses).map(Number).filter((s) => s < 300));

function validateInput(def: RouteDef<any, any, any, any>, ctx: RouteContext<any>): RouteInput<any, any, any> {
  const issues: FieldIssue[] = [];
  const parse = (schema: Schema, value: unknown, where: FieldIssue['in']) => {
    if (!schema) return undefined;
    const result = check(schema, value);
    if (result.ok) return result.data;
    issues.push(...result.issues.map((i) => ({ ...i, in: where })));
    return undefined;
  };
  const input = {
    params: parse(def.params, ctx.params, 'path'),
    query: parse(def.query, ctx.query, 'query'),
    body: parse(def.body, ctx.request.body, 'body'),
  };
  if (issues.length) throw validationFailed(issues);
  return input;
}

/**
 * The body parser leaves multipart bodies unread (an upload route streams its file); every route that
 * does not declare multipart/form-data refuses one with 415 before anything else runs.
 */
const refuseUpload: Middleware = async (ctx, next) => {
  if (ctx.is('multipart')) throw new HttpError('UNSUPPORTED_MEDIA_TYPE', '该接口不接受 multipart/form-data 上传，请以 JSON 提交（文件导入请用 POST /api/imports）');
  return next();
};

/**
 * A Koa router serving the routes, with their specs attached (the app collects them for /openapi.json).
 * Order per request: the access check (permission or guard), then params, query and body validated
 * together (every bad field at once), then the handler.
 */
export function routes<S extends AppState = AppState>(...defs: RouteDef<any, any, any, S>[]): Router<AppState> {
  const router = new Router<S>();
  for (const def of defs) {
    const refuseMultipart: Middleware<S>[] = def.method !== 'get' && def.bodyContentType !== MULTIPART ? [refuseUpload as Middleware<S>] : [];
    const access: Middleware<S>[] = def.guard ? [def.guard] : !def.access && def.permissions?.length ? [requirePermission(...def.permissions) as Middleware<S>] : [];
    const status = successStatus(def);
    router[def.method](def.path, ...(refuseMultipart as any[]), ...(access as any[]), async (ctx: RouteContext<S>) => {
      const result = await def.handler(ctx, validateInput(def, ctx));
      if (result === undefined) return;
      if (result && typeof result === 'object' && REPLY in result) respond(ctx, (result as Reply).data, (result as Reply).status);
      else respond(ctx, result, status);
    });
  }
  return describeRouter(router as unknown as Router<AppState>, defs.map(specOf));
}
