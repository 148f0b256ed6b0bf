import { randomUUID } from 'node:crypto';
import type { Middleware } from 'koa';
import type { EntityManager } from '@mikro-orm/core';
import type { Logger } from '../../logging/logger.js';
import type { Orm } from '../../db/orm.js';
import type { Actor } from '../../domain/auth/actor.js';
import { withRequestId } from '../../domain/audit/request-scope.js';

export type AuthenticatedStaff = { id: number; name: string; role: string; permissions: ReadonlySet<string> };

/** What every request carries: its id, a logger bound to that id, its own unit of work, and who is calling. */
export type AppState = {
  requestId: string;
  log: Logger;
  em: EntityManager;
  staff?: AuthenticatedStaff;
  /** The caller as domain services take them (channel api or miniapp, with this request's id). */
  actor?: Actor;
};

const VALID_ID = /^[A-Za-z0-9._-]{8,64}$/;

/** Request id (kept from X-Request-Id when sane), a child logger, an access log line, a forked EntityManager. */
export function requestContext(orm: Orm, logger: Logger): Middleware<AppState> {
  return async (ctx, next) => {
    const incoming = ctx.get('x-request-id');
    const requestId = VALID_ID.test(incoming) ? incoming : randomUUID();
    ctx.state.requestId = requestId;
    ctx.state.log = logger.child({ requestId });
    ctx.state.em = orm.em.fork();
    ctx.set('X-Request-Id', requestId);
    const started = performance.now();
    try {
      // Audit rows written while this request is handled carry its id.
      await withRequestId(requestId, next);
    } finally {
      ctx.state.log.info(
        { method: ctx.method, path: ctx.path, status: ctx.status, ms: Math.round(performance.now() - started) },
        'request',
      );
    }
  };
}
