import type { LiveCalls } from '../domain/calls/live-calls.js';
import { boardRoutes } from '../miniapp-api/routes/board.routes.js';
import type { Capability, Platform } from './capability.js';

/** The live board: its snapshot and event stream, over the calls the telephony door reports. */
export function wire(platform: Platform, deps: { liveCalls: LiveCalls }): Capability {
  return {
    name: 'board',
    routes: { staff: [boardRoutes({ liveCalls: deps.liveCalls, approvals: platform.approvals, timeZone: platform.config.businessTimeZone })] },
  };
}
