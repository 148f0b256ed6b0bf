import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bootApp, type TestApp } from '../support/app.js';
import { DIALECTS } from '../support/database.js';
import { startFakeWecom, type FakeWecom } from '../support/fake-wecom.js';

const AES_KEY = 'jWmYm7qr5nMoAUwZRjGtBxmz3KA1tkAj3ykkR6q2B2C';

/** `name=value` of a Set-Cookie line, for sending it back. */
function cookieOf(res: Response, name: string): string | undefined {
  return res.headers.getSetCookie().find((c) => c.startsWith(`${name}=`))?.split(';')[0];
}

/** What the page receives after a sign-in: the fragment of `/board/#…`. */
function fragment(res: Response): URLSearchParams {
  const location = res.headers.get('location') ?? '';
  expect(location.startsWith('/board/#'), location).toBe(true);
  return new URLSearchParams(location.slice('/board/#'.length));
}

describe.each(DIALECTS)('signing in to the live board from the WeCom workbench (%s)', (dialect) => {
  let wecom: FakeWecom;
  let t: TestApp;
  let manager: { id: number; token: string };
  const open = (path: string, cookie?: string) => fetch(`${t.app.url}${path}`, { redirect: 'manual', headers: cookie ? { cookie } : {} });

  /** The workbench opens the home page; WeCom's authorize page would then come back with `code` and this state. */
  async function authorize(): Promise<{ state: string; cookie: string; url: URL }> {
    const res = await open('/board/login/wecom');
    expect(res.status).toBe(302);
    const url = new URL(res.headers.get('location')!);
    const cookie = cookieOf(res, 'salesops_oauth_state')!;
    return { state: url.searchParams.get('state')!, cookie, url };
  }

  beforeAll(async () => {
    wecom = await startFakeWecom();
    t = await bootApp(dialect, {
      JOBS_ENABLED: 'false',
      WECOM_CORP_ID: wecom.corpId,
      WECOM_AGENT_ID: '1000002',
      WECOM_SECRET: wecom.secret,
      WECOM_TOKEN: 'boardToken1',
      WECOM_ENCODING_AES_KEY: AES_KEY,
      WECOM_API_BASE: wecom.url,
      BOARD_PUBLIC_URL: 'https://ops.example.com/',
    });
    manager = await t.staffWithToken('manager', { wecomUserId: 'LiJingLi' });
  });
  afterAll(async () => {
    await t?.close();
    await wecom?.close();
  });

  it('sends the workbench to WeCom\'s authorize page with the corp, the agent, a silent scope and a state kept in a cookie', async () => {
    const res = await open('/board/login/wecom');
    const { url, state, cookie } = await authorize();
    expect(`${url.origin}${url.pathname}`).toBe('https://open.weixin.qq.com/connect/oauth2/authorize');
    expect(url.hash).toBe('#wechat_redirect');
    expect(Object.fromEntries(url.searchParams)).toEqual({
      appid: wecom.corpId,
      redirect_uri: 'https://ops.example.com/board/login/wecom',
      response_type: 'code',
      scope: 'snsapi_base',
      state,
      agentid: '1000002',
    });
    expect(state).toMatch(/^[0-9a-f]{32}$/);
    expect(cookie).toBe(`salesops_oauth_state=${state}`);
    const attributes = res.headers.getSetCookie()[0]!.toLowerCase();
    expect(attributes).toContain('httponly');
    expect(attributes).toContain('samesite=lax');
    expect(wecom.getuserinfoCalls).toBe(0);
  });

  it('signs the member in as their staff row: a token for the API in the fragment and the board session cookie', async () => {
    const { state, cookie } = await authorize();
    wecom.oauthCodes.set('CODE-OK', { userid: 'LiJingLi' });
    const res = await open(`/board/login/wecom?code=CODE-OK&state=${state}`, cookie);
    expect(res.status).toBe(302);
    const token = fragment(res).get('token')!;
    expect(token).toBeTruthy();
    const board = await t.call('GET', '/api/board', { token });
    expect(board.status).toBe(200);
    expect(board.body.data.staff.map((s: { id: number }) => s.id)).toContain(manager.id);
    const me = await t.call('GET', '/api/me', { token });
    expect(me.body.data.id).toBe(manager.id);
    const session = cookieOf(res, 'salesops_board')!;
    const stream = await fetch(`${t.app.url}/board/events`, { headers: { cookie: session } });
    expect(stream.status).toBe(200);
    await stream.body!.cancel();

    // WeCom's code is good once: the same code again is refused by WeCom (40029) and said so on the page.
    const again = await authorize();
    const replay = await open(`/board/login/wecom?code=CODE-OK&state=${again.state}`, again.cookie);
    expect(fragment(replay).get('error')).toBe('企业微信授权码无效或已使用，请从工作台重新打开');
    expect(cookieOf(replay, 'salesops_board')).toBeUndefined();
  });

  it('refuses a non-member, a member bound to no staff, a wrong state and a link without code, each with its reason', async () => {
    const cases: Array<[string, { userid: string } | { openid: string; external_userid?: string } | undefined, string]> = [
      ['CODE-OUTSIDER', { openid: 'oAbc123', external_userid: 'wmExt1' }, '仅限本企业成员登录'],
      ['CODE-UNBOUND', { userid: 'ZhangSan' }, '你的企业微信账号未绑定员工，请联系管理员'],
    ];
    for (const [code, who, message] of cases) {
      wecom.oauthCodes.set(code, who!);
      const { state, cookie } = await authorize();
      const res = await open(`/board/login/wecom?code=${code}&state=${state}`, cookie);
      expect(fragment(res).get('error'), code).toBe(message);
      expect(fragment(res).get('token')).toBeNull();
    }

    const calls = wecom.getuserinfoCalls;
    wecom.oauthCodes.set('CODE-FORGED', { userid: 'LiJingLi' });
    const { cookie } = await authorize();
    const forged = await open('/board/login/wecom?code=CODE-FORGED&state=somebody-elses-state', cookie);
    expect(fragment(forged).get('error')).toBe('登录已失效，请从工作台重新打开');
    const noCookie = await open('/board/login/wecom?code=CODE-FORGED&state=x');
    expect(fragment(noCookie).get('error')).toBe('登录已失效，请从工作台重新打开');
    expect(wecom.getuserinfoCalls).toBe(calls); // the code was never sent to WeCom

    const noCode = await open('/board/login/wecom?state=abc');
    expect(fragment(noCode).get('error')).toBe('企业微信授权码无效或已使用，请从工作台重新打开');
  });

  it('says WeCom is unavailable when its API fails, and signs in after WeCom rotated the access token', async () => {
    const { state, cookie } = await authorize();
    wecom.oauthCodes.set('CODE-BUSY', { userid: 'LiJingLi' });
    wecom.failNextWith(50001); // redirect domain not the app's trusted domain
    const res = await open(`/board/login/wecom?code=CODE-BUSY&state=${state}`, cookie);
    expect(fragment(res).get('error')).toBe('企业微信登录暂时不可用，请稍后再试');

    wecom.expireToken();
    const next = await authorize();
    wecom.oauthCodes.set('CODE-AFTER-ROTATION', { userid: 'LiJingLi' });
    const ok = await open(`/board/login/wecom?code=CODE-AFTER-ROTATION&state=${next.state}`, next.cookie);
    expect(fragment(ok).get('token')).toBeTruthy();
  });
});
