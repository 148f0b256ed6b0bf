import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createWecomClient } from '../../src/gateways/wecom/wecom-client.js';
import { createSendPacer } from '../../src/gateways/wecom/send-pacer.js';
import { createJscode2SessionLogin } from '../../src/gateways/wechat/jscode2session.js';
import { startFakeWechat, startFakeWecom, type FakeWechat, type FakeWecom } from '../support/fake-wecom.js';

describe('WeCom server API client against a local WeCom', () => {
  let fake: FakeWecom;
  beforeAll(async () => {
    fake = await startFakeWecom();
  });
  afterAll(() => fake.close());
  beforeEach(() => {
    fake.gettokenCalls = 0;
    fake.sent.length = 0;
    fake.tokenDelayMs = 0;
  });
  const client = (extra: object = {}) => createWecomClient({ baseUrl: fake.url, corpId: fake.corpId, secret: fake.secret, agentId: 1000002, ...extra });

  it('200 concurrent notifications fetch exactly one token', async () => {
    fake.tokenDelayMs = 50;
    const c = client();
    const results = await Promise.all(Array.from({ length: 200 }, (_, i) => c.sendText(`user${i}`, `第 ${i} 条`)));
    expect(results.every((r) => r.ok)).toBe(true);
    expect(fake.gettokenCalls).toBe(1);
    expect(c.tokenFetches).toBe(1);
    expect(fake.sent).toHaveLength(200);
  });

  it('reuses the cached token and refreshes once on 42001 / 40014', async () => {
    const c = client();
    expect((await c.sendText('a', 'x')).ok).toBe(true);
    expect((await c.sendMarkdown('a', '**x**')).ok).toBe(true);
    expect(fake.gettokenCalls).toBe(1);
    fake.failNextWith(42001);
    expect((await c.sendText('a', 'after expiry')).ok).toBe(true);
    expect(fake.gettokenCalls).toBe(2);
    fake.expireToken();
    expect((await c.sendText('a', 'after rotation')).ok).toBe(true);
    expect(fake.gettokenCalls).toBe(3);
  });

  it('returns failures as values: bad secret, API errors, unreachable server', async () => {
    const bad = await createWecomClient({ baseUrl: fake.url, corpId: fake.corpId, secret: 'wrong', agentId: 1 }).sendText('a', 'x');
    expect(bad).toMatchObject({ ok: false, code: 'WECOM_TOKEN_FAILED', errcode: 40001 });
    const c = client();
    fake.failNextWith(45009);
    expect(await c.sendText('a', 'x')).toMatchObject({ ok: false, code: 'WECOM_API_ERROR', errcode: 45009 });
    const down = await createWecomClient({ baseUrl: 'http://127.0.0.1:9', corpId: 'c', secret: 's', agentId: 1, timeoutMs: 500 }).sendText('a', 'x');
    expect(down).toMatchObject({ ok: false, code: 'WECOM_UNREACHABLE' });
  });

  it('sends template cards (response code back) and updates the clicked button', async () => {
    const c = client();
    const sent = await c.sendTemplateCard('mgr', {
      card_type: 'button_interaction',
      main_title: { title: '营销活动待审批' },
      task_id: 'approval-1',
      button_list: [{ text: '批准', key: 'approve:campaign:C1' }],
    });
    expect(sent).toMatchObject({ ok: true });
    expect(sent.ok && sent.responseCode).toBeTruthy();
    expect(fake.sent.at(-1)).toMatchObject({ touser: 'mgr', msgtype: 'template_card', agentid: 1000002 });
    const updated = await c.updateCardButton(['mgr'], sent.ok ? sent.responseCode! : '', '已批准');
    expect(updated.ok).toBe(true);
    expect(fake.updates.at(-1)).toMatchObject({ userids: ['mgr'], button: { replace_name: '已批准' } });
  });
});

describe('per-member pacing', () => {
  it('lets 25 sends a minute through at once and holds the 26th until the window moves', async () => {
    let now = 0;
    const sleeps: number[] = [];
    const clock = { now: () => now, sleep: async (ms: number) => { sleeps.push(ms); now += ms; } };
    const pacer = createSendPacer(25, clock);
    for (let i = 0; i < 25; i++) {
      now += 100;
      await pacer.acquire('zhangsan');
    }
    expect(sleeps).toHaveLength(0);
    await pacer.acquire('lisi');
    expect(sleeps).toHaveLength(0);
    const before = now;
    await pacer.acquire('zhangsan');
    expect(sleeps).toHaveLength(1);
    expect(now - before).toBeGreaterThan(55_000);
    expect(now).toBeGreaterThan(60_000);
  });
});

describe('WeChat jscode2session against a local WeChat', () => {
  let wechat: FakeWechat;
  beforeAll(async () => {
    wechat = await startFakeWechat();
  });
  afterAll(() => wechat.close());

  it('exchanges a code once and maps WeChat errors to our codes', async () => {
    const login = createJscode2SessionLogin({ baseUrl: wechat.url, appId: wechat.appId, secret: wechat.secret });
    wechat.codes.set('code-1', { openid: 'o-1', session_key: 'sk-1', unionid: 'u-1' });
    expect(await login.exchangeCode('code-1')).toEqual({ ok: true, openId: 'o-1', unionId: 'u-1', sessionKey: 'sk-1' });
    expect(await login.exchangeCode('code-1')).toMatchObject({ ok: false, code: 'WECHAT_CODE_INVALID' });
    const wrongApp = createJscode2SessionLogin({ baseUrl: wechat.url, appId: wechat.appId, secret: 'bad' });
    expect(await wrongApp.exchangeCode('x')).toMatchObject({ ok: false, code: 'WECHAT_UNAVAILABLE' });
  });
});
