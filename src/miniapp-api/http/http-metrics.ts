import type { Middleware } from 'koa';
import type { Metrics } from '../../metrics/metrics.js';

/**
 * Outermost middleware: times every request into `http_request_duration_seconds` labelled with the
 * router's path template (`/api/calls/:id/recording`, never the raw URL, so ids do not explode the
 * series) and the final status; requests no route matched share the label `unmatched`.
 */
export function httpMetrics(metrics: Metrics): Middleware {
  return async (ctx, next) => {
    const stop = metrics.httpDuration.startTimer();
    try {
      await next();
    } finally {
      const matched = (ctx as { _matchedRoute?: string | RegExp })._matchedRoute;
      const route = typeof matched === 'string' ? matched : 'unmatched';
      stop({ method: ctx.method, route, status: String(ctx.status) });
    }
  };
}
