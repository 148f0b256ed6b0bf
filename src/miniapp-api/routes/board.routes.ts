import { PassThrough } from 'node:stream';
import { z } from 'zod';
import type { PermissionService } from '../../domain/auth/permission.service.js';
import { boardProgress, boardSnapshot, BOARD_PERMISSION, type BoardDeps } from '../../domain/board/board.service.js';
import type { BoardSessions } from '../auth/board-session.js';
import { route, routes, type RouteContext } from '../http/route.js';

const snapshotSchema = z.record(z.string(), z.unknown());
const sessionSchema = z.object({ expiresAt: z.string() });

/**
 * Reads and sends one at a time: a change while a read runs is read again once it is done, so the last
 * change is always sent and a burst of changes costs two reads, not one each.
 */
function latestOf(read: () => Promise<unknown>, send: (data: unknown) => void, onError: (err: unknown) => void): () => void {
  let reading = false;
  let again = false;
  return () => {
    if (reading) return void (again = true);
    reading = true;
    void (async () => {
      try {
        do {
          again = false;
          send(await read());
        } while (again);
      } catch (err) {
        onError(err);
      } finally {
        reading = false;
      }
    })();
  };
}

/**
 * Streams the board as Server-Sent Events: the snapshot first, then `calls` at every ring, answer and
 * hangup, `progress` (the running SMS batches, call tasks and imports) as that work moves on, and a new
 * `snapshot` after every other committed change the board pulse reports — no polling.
 * The actor is whoever the route's credential named.
 */
async function streamBoard(ctx: RouteContext, deps: BoardDeps): Promise<undefined> {
  const actor = ctx.state.actor!;
  const first = await boardSnapshot(ctx.state.em, actor, deps);
  const stream = new PassThrough();
  let closed = false;
  const send = (event: string) => (data: unknown) => {
    if (!closed) stream.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
  };
  send('snapshot')(first);
  const unsubscribe = deps.liveCalls.subscribe(() => send('calls')(deps.liveCalls.list()));
  const failed = (err: unknown) => ctx.state.log.warn({ err }, 'board read for the stream failed');
  const snapshot = latestOf(() => boardSnapshot(ctx.state.em.fork(), actor, deps), send('snapshot'), failed);
  const progress = latestOf(() => boardProgress(ctx.state.em.fork(), actor), send('progress'), failed);
  const unpulse = deps.pulse.subscribe((topic) => (topic === 'progress' ? progress() : snapshot()));
  const close = () => {
    closed = true;
    unsubscribe();
    unpulse();
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
}

const EVENTS_RESPONSE = { 200: { description: 'text/event-stream：snapshot，然后 calls、progress 与新的 snapshot', contentType: 'text/event-stream' } };

/** The live board's API behind the staff token: GET /api/board (a snapshot), its event stream, and the page's session. */
export function boardRoutes(deps: BoardDeps & { sessions: BoardSessions }) {
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
      summary: '实时看板事件流（Server-Sent Events，员工令牌）',
      tags: ['board'],
      permissions: [BOARD_PERMISSION],
      responses: EVENTS_RESPONSE,
      errors: [],
      handler: (ctx) => streamBoard(ctx, deps),
    }),
    route({
      method: 'post',
      path: '/api/board/session',
      summary: '开启看板会话：设置只发往 /board/events 的 HttpOnly Cookie（浏览器的 EventSource 不能带令牌头）',
      tags: ['board'],
      permissions: [BOARD_PERMISSION],
      responses: { 200: { description: '会话到期时间', schema: sessionSchema } },
      errors: [],
      handler: async (ctx) => ({ expiresAt: (await deps.sessions.open(ctx, ctx.state.actor!.staffId)).toISOString() }),
    }),
  );
}

/** The page's event stream, authenticated by the board session cookie (mounted before the bearer-token check). */
export function boardStreamRoutes(deps: BoardDeps & { sessions: BoardSessions; permissions: PermissionService }) {
  return routes(
    route({
      method: 'get',
      path: '/board/events',
      summary: '实时看板页面的事件流（Server-Sent Events，看板会话 Cookie）',
      tags: ['board'],
      access: 'board-session',
      guard: deps.sessions.guard(deps.permissions),
      responses: EVENTS_RESPONSE,
      errors: ['FORBIDDEN'],
      handler: (ctx) => streamBoard(ctx, deps),
    }),
  );
}
