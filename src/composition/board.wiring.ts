import type { LiveCalls } from '../domain/calls/live-calls.js';
import type { BoardPulse } from '../domain/board/board-pulse.js';
import { staffStatusWatcher } from '../domain/board/staff-status.watcher.js';
import type { WecomClient } from '../gateways/wecom/wecom-client.js';
import { wecomSignIn } from '../gateways/wecom/wecom-sign-in.js';
import { boardLoginRoutes } from '../miniapp-api/routes/board-login.routes.js';
import { BoardSessions } from '../miniapp-api/auth/board-session.js';
import { boardPageRoutes } from '../miniapp-api/routes/board-page.routes.js';
import { boardRoutes, boardStreamRoutes } from '../miniapp-api/routes/board.routes.js';
import type { Capability, Platform } from './capability.js';

/**
 * The live board: its page (built from web/board), its snapshot and event streams over the calls the
 * telephony door reports, the page's session cookie for the stream, and the WeCom web sign-in (OAuth2)
 * when the WeCom app is configured.
 */
export function wire(platform: Platform, deps: { liveCalls: LiveCalls; pulse: BoardPulse; wecomClient: WecomClient | undefined }): Capability {
  const { config } = platform;
  // Status changes through any door reach the board (an ORM subscriber: registering it opens nothing).
  platform.orm.em.getEventManager().registerSubscriber(staffStatusWatcher(deps.pulse));
  const board = { liveCalls: deps.liveCalls, pulse: deps.pulse, approvals: platform.approvals, timeZone: platform.config.businessTimeZone };
  const sessions = new BoardSessions(platform.config.auth.appSecret, platform.config.auth.tokenTtlSeconds);
  return {
    name: 'board',
    routes: {
      public: [
        boardPageRoutes(),
        boardStreamRoutes({ ...board, sessions, permissions: platform.permissions }),
        boardLoginRoutes({
          wecom: config.wecom && deps.wecomClient ? { corpId: config.wecom.corpId, agentId: config.wecom.agentId, signIn: wecomSignIn(deps.wecomClient) } : undefined,
          publicUrl: config.board.publicUrl,
          tokens: platform.staffTokens,
          sessions,
        }),
      ],
      staff: [boardRoutes({ ...board, sessions })],
    },
  };
}
