import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import { errorSpec, type ErrorCode } from '../../domain/errors/registry.js';
import { signInWithWecomCode } from '../../domain/auth/wecom-sign-in.service.js';
import type { WecomSignIn } from '../../domain/ports/wecom-sign-in.port.js';
import { DomainError } from '../../domain/shared/domain-error.js';
import type { BoardSessions } from '../auth/board-session.js';
import type { StaffTokens } from '../auth/staff-token.js';
import { route, routes, type RouteContext } from '../http/route.js';

export const WECOM_LOGIN_PATH = '/board/login/wecom';
/** WeCom's web sign-in page (https://developer.work.weixin.qq.com/document/path/91022); the browser goes there, we never call it. */
export const WECOM_AUTHORIZE_URL = 'https://open.weixin.qq.com/connect/oauth2/authorize';
const STATE_COOKIE = 'salesops_oauth_state';
const STATE_TTL_MS = 10 * 60_000;

export type BoardLoginDeps = {
  /** Undefined when the WeCom app is not configured (WECOM_*): the route then says so on the page. */
  wecom: { corpId: string; agentId: number; signIn: WecomSignIn } | undefined;
  /** BOARD_PUBLIC_URL, else the request's origin. */
  publicUrl: string | undefined;
  tokens: StaffTokens;
  sessions: BoardSessions;
};

const loginQuery = z.object({
  code: z.string().max(512).optional(),
  state: z.string().max(128).optional(),
});

/** Back to the page with a Chinese message it shows above the token form (a fragment: no server logs it). */
function toPage(ctx: RouteContext, fragment: Record<string, string>): undefined {
  ctx.redirect(`/board/#${new URLSearchParams(fragment)}`);
  return undefined;
}

/**
 * The WeCom workbench opens GET /board/login/wecom (the app's home page). Without a code it sends the
 * browser to WeCom's authorize page (scope snsapi_base: silent inside WeCom) with a random `state` also
 * kept in a short-lived cookie; WeCom sends it back here with `code` and `state`. The code names a
 * member (GET /cgi-bin/auth/getuserinfo), the member's staff row signs in: a staff token for the page's
 * API calls (handed over in the URL fragment, which no server or proxy logs) and the board session cookie
 * for its event stream. Every failure goes back to the page with its message.
 */
export function boardLoginRoutes(deps: BoardLoginDeps) {
  return routes(
    route({
      method: 'get',
      path: WECOM_LOGIN_PATH,
      summary: '企业微信网页授权登录实时看板（工作台应用主页）：跳转授权，带 code 回来后登录并进入 /board/',
      tags: ['board'],
      access: 'public',
      query: loginQuery,
      responses: { 302: { description: '跳转：企业微信授权页；或 /board/#token=…（成功）；或 /board/#error=…（失败原因）', contentType: 'text/html' } },
      errors: [],
      handler: async (ctx, { query }) => {
        const log = ctx.state.log.child({ door: 'board-login' });
        if (!deps.wecom) return toPage(ctx, { error: '企业微信登录未启用（需配置 WECOM_CORP_ID 等企业微信应用设置），请使用员工令牌登录' });
        const cookie = { httpOnly: true, sameSite: 'lax' as const, secure: ctx.secure, path: WECOM_LOGIN_PATH, overwrite: true };
        if (!query.code) {
          if (query.state) return toPage(ctx, { error: errorMessage('WECOM_CODE_INVALID') });
          const state = randomBytes(16).toString('hex');
          ctx.cookies.set(STATE_COOKIE, state, { ...cookie, maxAge: STATE_TTL_MS });
          const redirectUri = `${deps.publicUrl ?? ctx.origin}${WECOM_LOGIN_PATH}`;
          const params = new URLSearchParams({ appid: deps.wecom.corpId, redirect_uri: redirectUri, response_type: 'code', scope: 'snsapi_base', state, agentid: String(deps.wecom.agentId) });
          ctx.redirect(`${WECOM_AUTHORIZE_URL}?${params}#wechat_redirect`);
          return undefined;
        }
        const expected = ctx.cookies.get(STATE_COOKIE);
        ctx.cookies.set(STATE_COOKIE, null, cookie);
        if (!expected || expected !== query.state) {
          log.warn({ code: 'WECOM_SIGN_IN_STALE' }, 'wecom sign-in refused: state does not match');
          return toPage(ctx, { error: errorMessage('WECOM_SIGN_IN_STALE') });
        }
        let who: Awaited<ReturnType<typeof signInWithWecomCode>>;
        try {
          who = await signInWithWecomCode(ctx.state.em, deps.wecom.signIn, query.code);
        } catch (err) {
          if (!(err instanceof DomainError)) throw err;
          log.warn({ code: err.code, details: err.details }, 'wecom sign-in refused');
          return toPage(ctx, { error: err.message });
        }
        const { token } = await deps.tokens.issue({ staffId: who.staffId, role: who.role });
        await deps.sessions.open(ctx, who.staffId);
        log.info({ staffId: who.staffId }, 'signed in to the board through wecom');
        return toPage(ctx, { token });
      },
    }),
  );
}

/** The registry's Chinese message for a refusal decided here. */
const errorMessage = (code: ErrorCode) => errorSpec(code).message ?? code;
