import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bootApp, type TestApp } from '../support/app.js';
import { DIALECTS } from '../support/database.js';

/** The cookie the board session sets, as a Cookie header value, plus its attributes. */
function boardCookie(res: Response): { header: string; attributes: string } {
  const line = res.headers.getSetCookie().find((c) => c.startsWith('salesops_board='));
  if (!line) throw new Error(`no board cookie in ${JSON.stringify(res.headers.getSetCookie())}`);
  const [pair, ...attributes] = line.split(';');
  return { header: pair!.trim(), attributes: attributes.join(';').toLowerCase() };
}

describe.each(DIALECTS)('live board page and session (%s)', (dialect) => {
  let t: TestApp;
  let manager: { id: number; token: string };

  beforeAll(async () => {
    t = await bootApp(dialect, { JOBS_ENABLED: 'false' });
    // Duty loses the board's permission before any duty request (permissions are cached per role).
    await t.app.orm.em.fork().getConnection().execute(`delete from role_permissions where role = 'duty' and permission = 'telephony:calls:view'`);
    manager = await t.staffWithToken('manager');
  });
  afterAll(async () => t?.close());

  it('serves the built page and its assets from this server, nothing from a CDN', async () => {
    const res = await t.call('GET', '/board/');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/html/);
    expect(res.headers.get('content-security-policy')).toContain("default-src 'self'");
    const html = res.body as string;
    expect(html).toContain('<html lang="zh-CN">');
    expect(html).toContain('实时看板');
    expect(html).not.toMatch(/https?:\/\//);
    const assets = [...html.matchAll(/(?:src|href)="(\/board\/assets\/[^"]+)"/g)].map((m) => m[1]!);
    expect(assets.some((a) => a.endsWith('.js'))).toBe(true);
    for (const asset of assets) {
      const file = await fetch(`${t.app.url}${asset}`);
      expect(file.status, asset).toBe(200);
      expect(file.headers.get('cache-control')).toContain('immutable');
      expect(await file.text()).not.toMatch(/https?:\/\/(?!www\.w3\.org)/);
    }
    expect((await t.call('GET', '/board/assets/nothing-here.js')).body.error).toBe('ROUTE_NOT_FOUND');
    expect((await t.call('GET', '/board/assets/..%2Fpackage.json')).status).toBe(422);
    const redirect = await fetch(`${t.app.url}/board?from=workbench`, { redirect: 'manual' });
    expect(redirect.status).toBe(301);
    expect(redirect.headers.get('location')).toBe('/board/?from=workbench');
  });

  it('opens the event stream with an HttpOnly cookie for the stream only, never with the token in the URL', async () => {
    expect((await t.call('POST', '/api/board/session')).status).toBe(401);
    const res = await fetch(`${t.app.url}/api/board/session`, { method: 'POST', headers: { authorization: `Bearer ${manager.token}` } });
    expect(res.status).toBe(200);
    const cookie = boardCookie(res);
    expect(cookie.attributes).toContain('httponly');
    expect(cookie.attributes).toContain('samesite=strict');
    expect(cookie.attributes).toContain('path=/board/events');
    expect(cookie.header).not.toContain(manager.token);

    const stream = await fetch(`${t.app.url}/board/events`, { headers: { cookie: cookie.header } });
    expect(stream.status).toBe(200);
    expect(stream.headers.get('content-type')).toMatch(/^text\/event-stream/);
    const reader = stream.body!.getReader();
    let text = '';
    while (!text.includes('\n\n')) text += new TextDecoder().decode((await reader.read()).value);
    expect(text).toMatch(/^event: snapshot\ndata: \{/);
    const snapshot = JSON.parse(/^data: (.*)$/m.exec(text)![1]!);
    expect(snapshot.staff.find((s: { id: number }) => s.id === manager.id)).toMatchObject({ statusLabel: '未设置', onCall: false });
    await reader.cancel();

    // Without the cookie, with a forged one, or with the staff token where the cookie should be: refused.
    expect((await t.call('GET', '/board/events')).body.error).toBe('UNAUTHENTICATED');
    expect((await t.call('GET', '/board/events', { headers: { cookie: 'salesops_board=forged' } })).status).toBe(401);
    expect((await t.call('GET', '/board/events', { headers: { cookie: `salesops_board=${manager.token}` } })).body.error).toBe('UNAUTHENTICATED');
    expect((await t.call('GET', '/board/events', { token: manager.token })).status).toBe(401);
  });

  it('says on the page that WeCom sign-in is off when the WeCom app is not configured', async () => {
    const res = await fetch(`${t.app.url}/board/login/wecom`, { redirect: 'manual' });
    expect(res.status).toBe(302);
    const location = res.headers.get('location')!;
    expect(location.startsWith('/board/#error=')).toBe(true);
    expect(new URLSearchParams(location.slice('/board/#'.length)).get('error')).toContain('企业微信登录未启用');
  });

  it('refuses the session to staff without the board permission', async () => {
    const duty = await t.staffWithToken('duty');
    const res = await t.call('POST', '/api/board/session', { token: duty.token });
    expect(res.status).toBe(403);
    expect(res.body.error).toBe('FORBIDDEN');
    expect(res.headers.getSetCookie()).toEqual([]);
  });
});
