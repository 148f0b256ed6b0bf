import { createHash, timingSafeEqual } from 'node:crypto';
import type { Metrics } from '../../metrics/metrics.js';
import { HttpError } from '../http/http-error.js';
import { route, routes } from '../http/route.js';

/** Compares digests so neither the length nor the content of the token leaks through timing. */
function sameToken(given: string, expected: string): boolean {
  const a = createHash('sha256').update(given).digest();
  const b = createHash('sha256').update(expected).digest();
  return timingSafeEqual(a, b);
}

/**
 * GET /metrics on the API port, behind METRICS_TOKEN (Authorization: Bearer). Mounted only when the token
 * is set; a separate listener (METRICS_PORT) serves the same text without the API in front of it.
 */
export function metricsRoutes(metrics: Metrics, token: string) {
  return routes(
    route({
      method: 'get',
      path: '/metrics',
      summary: 'Prometheus 监控指标（文本格式）',
      tags: ['health'],
      access: 'metrics-token',
      guard: async (ctx, next) => {
        const given = /^Bearer\s+(.+)$/i.exec(ctx.get('authorization'))?.[1] ?? '';
        if (!given || !sameToken(given, token)) throw new HttpError('UNAUTHENTICATED', '监控抓取令牌无效 (Authorization: Bearer <METRICS_TOKEN>)');
        await next();
      },
      responses: { 200: { description: 'Prometheus 文本格式 0.0.4', contentType: 'text/plain' } },
      errors: [],
      handler: async (ctx) => {
        ctx.type = metrics.registry.contentType;
        ctx.body = await metrics.registry.metrics();
        return undefined;
      },
    }),
  );
}
