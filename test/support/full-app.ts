import { bootApp, type TestApp } from './app.js';
import type { Dialect } from './database.js';
import { startFakeWechat, startFakeWecom, type FakeWechat, type FakeWecom } from './fake-wecom.js';
import { SAMPLE } from '../bot/wecom-samples.js';

export const CALLBACK_TOKEN = 'cb-token-0123456789abcdef';

/** The settings that point the app's WeCom door at a local fake WeCom (the sample corp's token and key). */
export function wecomSettings(wecom: { secret: string; url: string }): Record<string, string> {
  return {
    WECOM_CORP_ID: SAMPLE.corpId,
    WECOM_AGENT_ID: '1000002',
    WECOM_SECRET: wecom.secret,
    WECOM_TOKEN: SAMPLE.token,
    WECOM_ENCODING_AES_KEY: SAMPLE.encodingAesKey,
    WECOM_API_BASE: wecom.url,
  };
}

export type FullApp = TestApp & { wecom: FakeWecom; wechat: FakeWechat };

/** The app with every door that serves HTTP switched on (WeCom callback, mini-program, SMS callbacks). */
export async function bootFullApp(dialect: Dialect, env: Record<string, string> = {}): Promise<FullApp> {
  const wecom = await startFakeWecom({ corpId: SAMPLE.corpId });
  const wechat = await startFakeWechat();
  const t = await bootApp(dialect, {
    ...wecomSettings(wecom),
    MINIAPP_APPID: wechat.appId,
    MINIAPP_SECRET: wechat.secret,
    WECHAT_API_BASE: wechat.url,
    TENCENT_SMS_CALLBACK_TOKEN: CALLBACK_TOKEN,
    ...env,
  });
  return {
    ...t,
    wecom,
    wechat,
    async close() {
      await t.close();
      await wecom.close();
      await wechat.close();
    },
  };
}

/** Every route the running app serves, as its routers hold them: `GET /api/staff`, `POST /api/staff/:id`, … */
export function servedRoutes(app: TestApp['app']): Array<{ method: string; path: string }> {
  const out: Array<{ method: string; path: string }> = [];
  for (const mw of app.http.middleware as Array<{ router?: { stack: Array<{ methods: string[]; path: string | RegExp }> } }>) {
    for (const layer of mw.router?.stack ?? []) {
      for (const method of layer.methods.filter((m) => m !== 'HEAD')) out.push({ method, path: String(layer.path) });
    }
  }
  return out;
}
