import { createJscode2SessionLogin } from '../gateways/wechat/jscode2session.js';
import { miniappRoutes } from '../miniapp-api/routes/miniapp/miniapp.routes.js';
import { miniappStaffRoutes } from '../miniapp-api/routes/miniapp/miniapp-staff.routes.js';
import { MiniappTokens } from '../miniapp-api/routes/miniapp/miniapp-token.js';
import type { Capability, Platform } from './capability.js';

/** The WeChat mini-program: its staff routes always; its login only with MINIAPP_APPID and MINIAPP_SECRET. */
export function wire(platform: Platform): Capability {
  const { config, logger } = platform;
  const login = config.miniapp && createJscode2SessionLogin({ baseUrl: config.miniapp.apiBase, appId: config.miniapp.appId, secret: config.miniapp.secret });
  if (!login) logger.info('mini-program login off: set MINIAPP_APPID and MINIAPP_SECRET to enable it');
  const miniappTokens = new MiniappTokens(config.auth.appSecret, config.auth.tokenTtlSeconds);
  // One feedback service for both doors: the mini-program records feedback as the staff API does.
  const feedback = { model: platform.languageModel, notifier: platform.notifier, clock: platform.clock, timeZone: config.businessTimeZone };
  return {
    name: 'miniapp',
    routes: {
      staff: [miniappStaffRoutes()],
      // Off: the same routes answer 503 DOOR_DISABLED naming MINIAPP_APPID and MINIAPP_SECRET.
      public: [miniappRoutes(login ? { login, miniappTokens, staffTokens: platform.staffTokens, feedback } : undefined)],
    },
  };
}
