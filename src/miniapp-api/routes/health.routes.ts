import { z } from 'zod';
import type { Orm } from '../../db/orm.js';
import { route, routes } from '../http/route.js';

const alive = z.object({ status: z.literal('ok') });
const ready = z.object({ status: z.literal('ready'), database: z.literal('ok') });
const notReady = z.object({ status: z.literal('unavailable'), database: z.literal('unreachable') });

/** /healthz: the process answers. /readyz: the database answers within a second. */
export function healthRoutes(orm: Orm) {
  return routes(
    route({
      method: 'get',
      path: '/healthz',
      summary: '进程存活检查',
      tags: ['health'],
      access: 'public',
      responses: { 200: { description: '进程在运行', schema: alive, envelope: false } },
      errors: [],
      handler: (ctx) => {
        ctx.body = { status: 'ok' };
        return undefined;
      },
    }),
    route({
      method: 'get',
      path: '/readyz',
      summary: '就绪检查：数据库 1 秒内应答',
      tags: ['health'],
      access: 'public',
      responses: {
        200: { description: '可以接收请求', schema: ready, envelope: false },
        503: { description: '数据库无应答', schema: notReady, envelope: false },
      },
      errors: [],
      handler: async (ctx) => {
        try {
          await withTimeout(orm.em.getConnection().execute('select 1 as ok'), 1000);
          ctx.body = { status: 'ready', database: 'ok' };
        } catch (err) {
          ctx.state.log.warn({ err }, 'readiness check failed');
          ctx.status = 503;
          ctx.body = { status: 'unavailable', database: 'unreachable' };
        }
        return undefined;
      },
    }),
  );
}

async function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
