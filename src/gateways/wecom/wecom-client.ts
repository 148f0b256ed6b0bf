import { createSendPacer, type PacerClock, type SendPacer } from './send-pacer.js';

/**
 * The WeCom server API of one self-built app (qyapi.weixin.qq.com or a local fake at `baseUrl`):
 * access token, message/send (text, markdown, template_card) and update_template_card.
 * Every call has a timeout; failures come back as values, never as thrown vendor errors.
 */
export type WecomClientOptions = {
  baseUrl: string;
  corpId: string;
  secret: string;
  agentId: number;
  timeoutMs?: number;
  /** Sends to one member per minute (WeCom drops the 31st silently). */
  sendsPerMemberPerMinute?: number;
  pacerClock?: PacerClock;
};

export type WecomResult<T = object> = ({ ok: true } & T) | { ok: false; code: string; errcode?: number; message: string };
export type SendResult = WecomResult<{ msgId: string; responseCode?: string }>;

export type TemplateCardButton = { text: string; key: string; style?: 1 | 2 | 3 | 4 };
export type ButtonInteractionCard = {
  card_type: 'button_interaction';
  source?: { desc: string };
  main_title: { title: string; desc?: string };
  sub_title_text?: string;
  horizontal_content_list?: Array<{ keyname: string; value: string }>;
  task_id: string;
  button_list: TemplateCardButton[];
};
export type TextNoticeCard = {
  card_type: 'text_notice';
  source?: { desc: string };
  main_title: { title: string; desc?: string };
  sub_title_text?: string;
  horizontal_content_list?: Array<{ keyname: string; value: string }>;
  card_action: { type: 1; url: string };
};

export interface WecomClient {
  sendText(toUser: string, content: string): Promise<SendResult>;
  sendMarkdown(toUser: string, content: string): Promise<SendResult>;
  sendTemplateCard(toUser: string, card: ButtonInteractionCard): Promise<SendResult>;
  /**
   * Web sign-in (OAuth2, GET /cgi-bin/auth/getuserinfo): the member a one-time `code` from WeCom's
   * authorize redirect belongs to. WECOM_NOT_MEMBER for someone outside the corp (WeCom answers an openid);
   * 40029 (invalid or used code) and 50001 (redirect domain not the app's trusted domain) come back as
   * WECOM_API_ERROR with their errcode.
   */
  userIdByCode(code: string): Promise<WecomResult<{ userId: string }>>;
  /** Replaces the clicked button's caption (the card is then no longer clickable), using a click's response code. */
  updateCardButton(toUsers: string[], responseCode: string, replaceName: string): Promise<WecomResult>;
  /** How many gettoken requests were made (operations and tests). */
  readonly tokenFetches: number;
}

/** 40014 invalid token, 42001 expired token, 40001 invalid credential: fetch a new token once and retry. */
const TOKEN_ERRORS = new Set([40014, 42001, 40001]);
const EARLY_REFRESH_MS = 5 * 60_000;

type ApiBody = { errcode?: number; errmsg?: string; [k: string]: unknown };

export function createWecomClient(options: WecomClientOptions): WecomClient {
  const base = options.baseUrl.replace(/\/+$/, '');
  const timeoutMs = options.timeoutMs ?? 5000;
  const pacer: SendPacer = createSendPacer(options.sendsPerMemberPerMinute ?? 25, options.pacerClock);
  let cached: { token: string; expiresAt: number } | undefined;
  let inFlight: Promise<WecomResult<{ token: string }>> | undefined;
  let tokenFetches = 0;

  async function request(method: 'GET' | 'POST', path: string, query: Record<string, string>, body?: unknown): Promise<WecomResult<{ body: ApiBody }>> {
    const url = `${base}${path}?${new URLSearchParams(query)}`;
    try {
      const res = await fetch(url, {
        method,
        headers: body === undefined ? undefined : { 'content-type': 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(timeoutMs),
      });
      if (!res.ok) return { ok: false, code: 'WECOM_HTTP_ERROR', message: `HTTP ${res.status} from ${path}` };
      const parsed = (await res.json()) as ApiBody;
      return { ok: true, body: parsed };
    } catch (err) {
      const timedOut = (err as Error).name === 'TimeoutError';
      return { ok: false, code: timedOut ? 'WECOM_TIMEOUT' : 'WECOM_UNREACHABLE', message: `${path}: ${(err as Error).message}` };
    }
  }

  function fetchToken(): Promise<WecomResult<{ token: string }>> {
    // Single flight: concurrent callers share one gettoken request.
    inFlight ??= (async () => {
      tokenFetches++;
      const res = await request('GET', '/cgi-bin/gettoken', { corpid: options.corpId, corpsecret: options.secret });
      if (!res.ok) return res;
      const { errcode = 0, errmsg = '', access_token, expires_in } = res.body;
      if (errcode !== 0 || typeof access_token !== 'string') return { ok: false as const, code: 'WECOM_TOKEN_FAILED', errcode, message: `gettoken: ${errcode} ${errmsg}` };
      const ttlMs = (Number(expires_in) || 7200) * 1000;
      cached = { token: access_token, expiresAt: Date.now() + Math.max(ttlMs - EARLY_REFRESH_MS, ttlMs / 2) };
      return { ok: true as const, token: access_token };
    })().finally(() => {
      inFlight = undefined;
    });
    return inFlight;
  }

  async function token(): Promise<WecomResult<{ token: string }>> {
    if (cached && cached.expiresAt > Date.now()) return { ok: true, token: cached.token };
    return fetchToken();
  }

  /** A POST with a JSON body, or a GET with `query`, under the access token (refreshed once if WeCom rejects it). */
  async function call(path: string, body: unknown, query: Record<string, string> = {}): Promise<WecomResult<{ body: ApiBody }>> {
    for (let attempt = 0; attempt < 2; attempt++) {
      const t = await token();
      if (!t.ok) return t;
      const res = await request(body === undefined ? 'GET' : 'POST', path, { access_token: t.token, ...query }, body);
      if (!res.ok) return res;
      const errcode = res.body.errcode ?? 0;
      if (errcode === 0) return res;
      if (TOKEN_ERRORS.has(errcode) && attempt === 0) {
        if (cached?.token === t.token) cached = undefined;
        continue;
      }
      return { ok: false, code: 'WECOM_API_ERROR', errcode, message: `${path}: ${errcode} ${res.body.errmsg ?? ''}`.trim() };
    }
    return { ok: false, code: 'WECOM_TOKEN_REJECTED', message: `${path}: token rejected twice` };
  }

  async function send(toUser: string, payload: Record<string, unknown>): Promise<SendResult> {
    await pacer.acquire(toUser);
    const res = await call('/cgi-bin/message/send', { touser: toUser, agentid: options.agentId, ...payload });
    if (!res.ok) return res;
    const invalid = String(res.body.invaliduser ?? '');
    if (invalid && invalid.split('|').includes(toUser)) return { ok: false, code: 'WECOM_INVALID_USER', message: `member ${toUser} is not reachable by this app` };
    return {
      ok: true,
      msgId: String(res.body.msgid ?? ''),
      ...(typeof res.body.response_code === 'string' ? { responseCode: res.body.response_code } : {}),
    };
  }

  return {
    sendText: (toUser, content) => send(toUser, { msgtype: 'text', text: { content } }),
    sendMarkdown: (toUser, content) => send(toUser, { msgtype: 'markdown', markdown: { content } }),
    sendTemplateCard: (toUser, card) => send(toUser, { msgtype: 'template_card', template_card: card }),
    async userIdByCode(code) {
      const res = await call('/cgi-bin/auth/getuserinfo', undefined, { code });
      if (!res.ok) return res;
      const userId = res.body.userid;
      if (typeof userId === 'string' && userId) return { ok: true, userId };
      return { ok: false, code: 'WECOM_NOT_MEMBER', message: 'getuserinfo: the visitor is not a member of this corp (openid only)' };
    },
    async updateCardButton(toUsers, responseCode, replaceName) {
      const res = await call('/cgi-bin/message/update_template_card', {
        userids: toUsers,
        agentid: options.agentId,
        response_code: responseCode,
        button: { replace_name: replaceName },
      });
      return res.ok ? { ok: true } : res;
    },
    get tokenFetches() {
      return tokenFetches;
    },
  };
}
