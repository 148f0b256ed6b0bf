import { PassThrough } from 'node:stream';
import { z } from 'zod';
import { boardSnapshot, BOARD_PERMISSION, type BoardDeps } from '../../domain/board/board.service.js';
import { route, routes } from '../http/route.js';

const snapshotSchema = z.record(z.string(), z.unknown());

/**
 * The live board's API: GET /api/board (a snapshot) and GET /api/board/events (Server-Sent Events: the
 * snapshot first, then `calls` at every ring, answer and hangup, as it happens — no polling).
 */
export function boardRoutes(deps: BoardDeps) {
  return routes(
    route({
      method: 'get',
      path: '/api/board',
      summary: '实时看板：销售状态、通话、今日指标、进行中的任务与待审批',
      tags: ['board'],
      permissions: [BOARD_PERMISSION],
      responses: { 200: { description: '看板快照', schema: snapshotSchema } },
      errors: [],
      handler: (ctx) => boardSnapshot(ctx.state.em, ctx.state.actor!, deps),
    }),
    route({
      method: 'get',
      path: '/api/board/events',
      summary: '实时看板事件流（Server-Sent Events）',
      tags: ['board'],
      permissions: [BOARD_PERMISSION],
      responses: { 200: { description: 'text/event-stream：snapshot，然后 calls', contentType: 'text/event-stream' } },
      errors: [],
      handler: async (ctx) => {
        const first = await boardSnapshot(ctx.state.em, ctx.state.actor!, deps);
        const stream = new PassThrough();
        const send = (event: string, data: unknown) => stream.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
        send('snapshot', first);
        const unsubscribe = deps.liveCalls.subscribe(() => send('calls', deps.liveCalls.list()));
        const close = () => {
          unsubscribe();
          stream.end();
        };
        ctx.req.once('close', close);
        ctx.req.socket.setTimeout(0);
        ctx.status = 200;
        ctx.set('Cache-Control', 'no-cache');
        ctx.set('X-Accel-Buffering', 'no');
        ctx.type = 'text/event-stream; charset=utf-8';
        ctx.body = stream;
        return undefined;
      },
    }),
  );
}
