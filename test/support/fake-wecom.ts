import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * Local stand-ins for WeCom's server API (qyapi.weixin.qq.com) and WeChat's mini-program login
 * (api.weixin.qq.com), speaking their JSON: errcode/errmsg on every answer, access_token in the query.
 */
export type FakeWecom = {
  url: string;
  corpId: string;
  secret: string;
  gettokenCalls: number;
  sent: Array<{ touser: string; msgtype: string; agentid: number; text?: { content: string }; markdown?: { content: string }; template_card?: any }>;
  updates: Array<{ userids: string[]; response_code: string; button?: { replace_name: string } }>;
  /**
   * Web sign-in codes (OAuth2) GET /cgi-bin/auth/getuserinfo accepts, each once, as WeCom answers them: a
   * member's `{ userid }`, or a non-member's `{ openid, external_userid? }`. Any other code is 40029.
   */
  oauthCodes: Map<string, { userid: string } | { openid: string; external_userid?: string }>;
  getuserinfoCalls: number;
  /**
   * User ids that are not members of the corp: a message/send to only such users answers 81013 (user &
   * party & tag all invalid), as WeCom does; to some of them, errcode 0 listing them in `invaliduser`.
   */
  unknownUsers: Set<string>;
  /** The next API call answers this errcode (e.g. 42001 token expired) once. */
  failNextWith(errcode: number): void;
  /** Makes the current token invalid, as if WeCom had rotated it. */
  expireToken(): void;
  /** Milliseconds each gettoken takes (to widen the concurrency window). */
  tokenDelayMs: number;
  /** message/send requests received, answered or not (a held send is here before it is in `sent`). */
  received: Array<{ touser: string; msgtype: string }>;
  /** Holds every message/send unanswered (as a slow, paced WeCom would) until release() — nothing is in `sent` meanwhile. */
  holdSends(): void;
  /** Answers the held sends and stops holding. */
  releaseSends(): void;
  close(): Promise<void>;
};

async function readJson(req: IncomingMessage): Promise<any> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  const text = Buffer.concat(chunks).toString('utf8');
  return text ? JSON.parse(text) : {};
}

export async function startFakeWecom(options: { corpId?: string; secret?: string } = {}): Promise<FakeWecom> {
  const corpId = options.corpId ?? 'wx5823bf96d3bd56c7';
  const secret = options.secret ?? 'test-secret';
  let tokenSeq = 0;
  let validToken = '';
  let failNext: number | undefined;
  let msgSeq = 0;
  let gate: { promise: Promise<void>; open: () => void } | undefined;
  const fake: FakeWecom = {
    url: '',
    corpId,
    secret,
    gettokenCalls: 0,
    sent: [],
    updates: [],
    oauthCodes: new Map(),
    getuserinfoCalls: 0,
    tokenDelayMs: 0,
    received: [],
    unknownUsers: new Set(),
    holdSends() {
      let open!: () => void;
      gate ??= { promise: new Promise<void>((r) => (open = r)), open: () => open() };
    },
    releaseSends() {
      gate?.open();
      gate = undefined;
    },
    failNextWith: (errcode) => void (failNext = errcode),
    expireToken: () => void (validToken = 'expired'),
    close: () => new Promise((r) => server.close(() => r())),
  };
  const server: Server = createServer(async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://fake');
    const reply = (body: object) => {
      res.writeHead(200, { 'content-type': 'application/json; charset=utf-8' });
      res.end(JSON.stringify(body));
    };
    if (url.pathname === '/cgi-bin/gettoken') {
      fake.gettokenCalls++;
      if (fake.tokenDelayMs) await new Promise((r) => setTimeout(r, fake.tokenDelayMs));
      if (url.searchParams.get('corpid') !== corpId || url.searchParams.get('corpsecret') !== secret) return reply({ errcode: 40001, errmsg: 'invalid credential' });
      // As WeCom does: while a token is valid, gettoken returns the same one (several processes share it).
      if (!validToken || validToken === 'expired') validToken = `token-${++tokenSeq}`;
      return reply({ errcode: 0, errmsg: 'ok', access_token: validToken, expires_in: 7200 });
    }
    const body = req.method === 'POST' ? await readJson(req) : {};
    if (failNext !== undefined) {
      const errcode = failNext;
      failNext = undefined;
      return reply({ errcode, errmsg: `fake error ${errcode}` });
    }
    const token = url.searchParams.get('access_token');
    if (!token) return reply({ errcode: 41001, errmsg: 'access_token missing' });
    if (token !== validToken) return reply({ errcode: 40014, errmsg: 'invalid access_token' });
    if (url.pathname === '/cgi-bin/auth/getuserinfo') {
      // https://developer.work.weixin.qq.com/document/path/91023 — GET, a code is good for one call within 5 minutes.
      fake.getuserinfoCalls++;
      if (req.method !== 'GET') return res.writeHead(405).end();
      const code = url.searchParams.get('code');
      if (!code) return reply({ errcode: 41008, errmsg: 'missing oauth code' });
      const who = code.length <= 512 ? fake.oauthCodes.get(code) : undefined;
      if (!who) return reply({ errcode: 40029, errmsg: 'invalid code' });
      fake.oauthCodes.delete(code);
      return reply({ errcode: 0, errmsg: 'ok', ...who });
    }
    if (url.pathname === '/cgi-bin/message/send') {
      if (!body.touser || !body.msgtype || !body.agentid) return reply({ errcode: 40035, errmsg: 'invalid parameter' });
      fake.received.push(body);
      if (gate) await gate.promise;
      const users = String(body.touser).split('|');
      const invalid = users.filter((u) => fake.unknownUsers.has(u));
      if (invalid.length === users.length) return reply({ errcode: 81013, errmsg: 'user & party & tag all invalid' });
      fake.sent.push(body);
      const msgid = `msg-${++msgSeq}`;
      return reply({ errcode: 0, errmsg: 'ok', invaliduser: invalid.join('|'), msgid, ...(body.msgtype === 'template_card' ? { response_code: `rc-${msgSeq}` } : {}) });
    }
    if (url.pathname === '/cgi-bin/message/update_template_card') {
      if (!body.response_code) return reply({ errcode: 40035, errmsg: 'invalid parameter' });
      fake.updates.push(body);
      return reply({ errcode: 0, errmsg: 'ok', invaliduser: [] });
    }
    res.writeHead(404).end();
  });
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  fake.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return fake;
}

/** WeChat's GET /sns/jscode2session: codes registered with `codes` log in; anything else is 40029. */
export type FakeWechat = { url: string; appId: string; secret: string; codes: Map<string, { openid: string; session_key: string; unionid?: string }>; calls: number; close(): Promise<void> };

export async function startFakeWechat(options: { appId?: string; secret?: string } = {}): Promise<FakeWechat> {
  const appId = options.appId ?? 'wx0123456789abcdef';
  const secret = options.secret ?? 'miniapp-secret';
  const fake: FakeWechat = { url: '', appId, secret, codes: new Map(), calls: 0, close: () => new Promise((r) => server.close(() => r())) };
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://fake');
    res.writeHead(url.pathname === '/sns/jscode2session' ? 200 : 404, { 'content-type': 'application/json' });
    if (url.pathname !== '/sns/jscode2session') return res.end();
    fake.calls++;
    const q = url.searchParams;
    if (q.get('appid') !== appId || q.get('secret') !== secret) return res.end(JSON.stringify({ errcode: 40013, errmsg: 'invalid appid' }));
    if (q.get('grant_type') !== 'authorization_code') return res.end(JSON.stringify({ errcode: 40002, errmsg: 'invalid grant_type' }));
    const hit = fake.codes.get(q.get('js_code') ?? '');
    if (!hit) return res.end(JSON.stringify({ errcode: 40029, errmsg: 'invalid code' }));
    fake.codes.delete(q.get('js_code')!);
    res.end(JSON.stringify(hit));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  fake.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return fake;
}
