import type { Middleware, ParameterizedContext } from 'koa';
import type { PermissionService } from '../../domain/auth/permission.service.js';
import { DomainError } from '../../domain/shared/domain-error.js';
import type { AppState } from '../http/request-context.js';
import { AudienceTokens } from './audience-tokens.js';
import { actAsStaff } from './authenticate.js';

export const BOARD_COOKIE = 'salesops_board';
/** The only path the cookie is sent to: the board's read-only event stream (EventSource cannot send headers). */
export const BOARD_COOKIE_PATH = '/board/events';
const MAX_TTL_SECONDS = 12 * 3600;

/**
 * The live board's session cookie: an HttpOnly, SameSite=Strict cookie (audience `board`, signed with
 * APP_SECRET) sent only to the event stream, so the long-lived staff token never appears in a URL or a log.
 * It grants nothing but reading the board; decisions still need the bearer token.
 */
export class BoardSessions {
  readonly #tokens: AudienceTokens;
  readonly #ttlSeconds: number;

  constructor(appSecret: string, staffTokenTtlSeconds: number) {
    this.#ttlSeconds = Math.min(staffTokenTtlSeconds, MAX_TTL_SECONDS);
    this.#tokens = new AudienceTokens({ appSecret, ttlSeconds: this.#ttlSeconds, audience: 'board', invalidMessage: '看板会话无效，请重新登录' });
  }

  /** Sets the cookie for the signed-in staff member; returns when it expires. */
  async open(ctx: ParameterizedContext<AppState>, staffId: number): Promise<Date> {
    const { token, expiresAt } = await this.#tokens.sign(staffId, {});
    ctx.cookies.set(BOARD_COOKIE, token, {
      httpOnly: true,
      sameSite: 'strict',
      secure: ctx.secure,
      path: BOARD_COOKIE_PATH,
      maxAge: this.#ttlSeconds * 1000,
      overwrite: true,
    });
    return expiresAt;
  }

  /** The guard of the event stream: the cookie's staff member, as `ctx.state.actor`. */
  guard(permissions: PermissionService): Middleware<AppState> {
    return async (ctx, next) => {
      const cookie = ctx.cookies.get(BOARD_COOKIE);
      if (!cookie) throw new DomainError('UNAUTHENTICATED', '缺少看板会话，请重新登录');
      const { subject } = await this.#tokens.verify(cookie);
      await actAsStaff(ctx, permissions, subject);
      return next();
    };
  }
}
