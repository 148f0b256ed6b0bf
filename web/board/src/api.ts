import type { Snapshot } from './snapshot.js';

/** A failed API call with the envelope's Chinese message and stable code. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

async function call<T>(token: string, method: string, path: string, body?: unknown): Promise<T> {
  const headers: Record<string, string> = { authorization: `Bearer ${token}` };
  if (body !== undefined) headers['content-type'] = 'application/json';
  const res = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body), credentials: 'same-origin' });
  const envelope = (await res.json().catch(() => ({}))) as { message?: string; error?: string; data?: T };
  if (!res.ok) throw new ApiError(res.status, envelope.error ?? 'HTTP_ERROR', envelope.message ?? `请求失败（${res.status}）`);
  return envelope.data as T;
}

/** Exchanges the staff token for the event stream's cookie (EventSource sends no headers; the token never goes in a URL). */
export const openSession = (token: string) => call<{ expiresAt: string }>(token, 'POST', '/api/board/session');

export const fetchSnapshot = (token: string) => call<Snapshot>(token, 'GET', '/api/board');

/** Where each approvable kind is decided: the same routes (and approval service) the rest of the API uses. */
const DECIDE_PATHS: Record<string, string> = {
  campaign: '/api/ai-ops/customer/campaigns',
  invitation: '/api/ai-ops/outreach/invitations',
};

export const canDecide = (kind: string) => Object.hasOwn(DECIDE_PATHS, kind);

export function decide(token: string, kind: string, id: string, approve: boolean, reason?: string): Promise<unknown> {
  const base = DECIDE_PATHS[kind];
  if (!base) return Promise.reject(new ApiError(400, 'UNKNOWN_KIND', '此类审批请在企业微信中处理'));
  return call(token, 'POST', `${base}/${encodeURIComponent(id)}/${approve ? 'approve' : 'reject'}`, approve ? undefined : { reason });
}
