import type { Middleware } from 'koa';
import { errorSpec } from '../../domain/errors/registry.js';
import type { AppState } from './request-context.js';
import { toHttpError } from './http-error.js';

/**
 * Registered first: every failure leaves as `{ code, message, error, details? }`. Known errors keep their
 * stable code and the status the error registry gives it; anything else is logged with its stack and
 * answered with a generic 500 and the request id.
 */
export function errorHandler(): Middleware<AppState> {
  return async (ctx, next) => {
    try {
      await next();
      if (ctx.body === undefined && ctx.status === 404) {
        ctx.status = 404;
        ctx.body = { code: 404, message: `接口不存在: ${ctx.method} ${ctx.path}`, error: 'ROUTE_NOT_FOUND' };
      } else if (ctx.body === undefined && ctx.status === 405) {
        ctx.body = { code: 405, message: `不支持的请求方法: ${ctx.method}`, error: 'METHOD_NOT_ALLOWED' };
      }
    } catch (err) {
      const known = toHttpError(err);
      if (known) {
        ctx.status = known.status;
        ctx.body = {
          code: known.status,
          message: known.message,
          error: known.code,
          ...(known.details === undefined ? {} : { details: known.details }),
        };
        if (known.status >= 500) ctx.state.log?.error({ err }, 'request failed');
        return;
      }
      ctx.state.log?.error({ err }, 'unexpected error');
      ctx.status = 500;
      ctx.body = {
        code: 500,
        message: errorSpec('INTERNAL_ERROR').message,
        error: 'INTERNAL_ERROR',
        details: { requestId: ctx.state.requestId },
      };
    }
  };
}
