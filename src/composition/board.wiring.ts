import type { LiveCalls } from '../domain/calls/live-calls.js';
import { BoardSessions } from '../miniapp-api/auth/board-session.js';
import { boardPageRoutes } from '../miniapp-api/routes/board-page.routes.js';
import { boardRoutes, boardStreamRoutes } from '../miniapp-api/routes/board.routes.js';
import type { Capability, Platform } from './capability.js';

/**
 * The live board: its page (built from web/board), its snapshot and event streams over the calls the
 * telephony door reports, and the page's session cookie for the stream.
 */
export function wire(platform: Platform, deps: { liveCalls: LiveCalls }): Capability {
  const board = { liveCalls: deps.liveCalls, approvals: platform.approvals, timeZone: platform.config.businessTimeZone };
  const sessions = new BoardSessions(platform.config.auth.appSecret, platform.config.auth.tokenTtlSeconds);
  return {
    name: 'board',
    routes: {
      public: [boardPageRoutes(), boardStreamRoutes({ ...board, sessions, permissions: platform.permissions })],
      staff: [boardRoutes({ ...board, sessions })],
    },
  };
}
