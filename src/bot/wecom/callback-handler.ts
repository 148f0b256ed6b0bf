import { errorSpec, type ErrorCode } from '../../domain/errors/registry.js';
import type { Logger } from '../../logging/logger.js';
import type { BackgroundQueue } from './background-queue.js';
import { aesKeyFrom, openEnvelope, signatureMatches } from './callback-crypto.js';
import { readFlatXml } from './callback-xml.js';
import type { ReceiptStore } from './receipt-store.js';

/** A callback request as any HTTP framework can hand it over. */
export type CallbackRequest = { method: string; query: Record<string, string | string[] | undefined>; rawBody?: string };
export type CallbackResponse = { status: number; contentType: 'text/plain' | 'application/json'; body: string; code?: string };

/** One decrypted inbound message or event (the flat fields of WeCom's XML). */
export type WecomInbound = Record<string, string>;

export type CallbackOptions = {
  token: string;
  encodingAesKey: string;
  corpId: string;
  receipts: ReceiptStore;
  queue: BackgroundQueue;
  process(message: WecomInbound): Promise<void>;
  log: Logger;
  /** Milliseconds since the epoch; tests pin it to the sample vectors' time. */
  now?: () => number;
  maxBodyBytes?: number;
};

export const TIMESTAMP_WINDOW_S = 300;
export const NONCE_TTL_MS = 2 * 60 * 60_000;
/** WeCom retries for well under a day; message keys are kept longer than any retry. */
export const MESSAGE_TTL_MS = 24 * 60 * 60_000;
const DEFAULT_MAX_BODY = 64 * 1024;

function fail(code: ErrorCode): CallbackResponse {
  const { status, message = code } = errorSpec(code);
  return { status, contentType: 'application/json', code, body: JSON.stringify({ code: status, message, error: code }) };
}

const ok = (body = ''): CallbackResponse => ({ status: 200, contentType: 'text/plain', body });

function single(query: CallbackRequest['query'], name: string): string | undefined {
  const v = query[name];
  return typeof v === 'string' && v.length > 0 ? v : undefined;
}

/**
 * The WeCom callback door without a web framework: URL verification (GET) and messages (POST).
 * Order of checks: parameters, timestamp window, signature (constant time), envelope (padding, length,
 * receive id), nonce replay, message de-duplication; only then is the message queued, and the answer
 * goes out before it is processed. Any failure is a 4xx and nothing is processed.
 */
export function createCallbackHandler(options: CallbackOptions): (req: CallbackRequest) => Promise<CallbackResponse> {
  const aesKey = aesKeyFrom(options.encodingAesKey);
  const now = options.now ?? Date.now;
  const maxBody = options.maxBodyBytes ?? DEFAULT_MAX_BODY;
  const log = options.log;

  function checkParams(req: CallbackRequest, extra?: string): CallbackResponse | { signature: string; timestamp: string; nonce: string; extra?: string } {
    const signature = single(req.query, 'msg_signature');
    const timestamp = single(req.query, 'timestamp');
    const nonce = single(req.query, 'nonce');
    const extraValue = extra ? single(req.query, extra) : undefined;
    if (!signature || !timestamp || !nonce || (extra && !extraValue)) return fail('WECOM_PARAM_MISSING');
    if (!/^\d{1,12}$/.test(timestamp) || !/^[A-Za-z0-9_-]{1,64}$/.test(nonce) || signature.length > 64) return fail('WECOM_PARAM_INVALID');
    if (Math.abs(now() / 1000 - Number(timestamp)) > TIMESTAMP_WINDOW_S) return fail('WECOM_TIMESTAMP_STALE');
    return { signature, timestamp, nonce, extra: extraValue };
  }

  async function claimNonce(timestamp: string, nonce: string): Promise<boolean> {
    return options.receipts.claim('nonce', `${timestamp}:${nonce}`, NONCE_TTL_MS, now());
  }

  async function verifyUrl(req: CallbackRequest): Promise<CallbackResponse> {
    const p = checkParams(req, 'echostr');
    if ('status' in p) return p;
    const echostr = p.extra!;
    if (echostr.length > 4096) return fail('WECOM_PARAM_INVALID');
    if (!signatureMatches(options.token, p.timestamp, p.nonce, echostr, p.signature)) return fail('WECOM_SIGNATURE_INVALID');
    const opened = openEnvelope(aesKey, echostr, options.corpId);
    if (!opened.ok) return fail(opened.code);
    if (!(await claimNonce(p.timestamp, p.nonce))) return fail('WECOM_NONCE_REPLAYED');
    log.info('wecom callback URL verified');
    return ok(opened.message);
  }

  async function receive(req: CallbackRequest): Promise<CallbackResponse> {
    const p = checkParams(req);
    if ('status' in p) return p;
    const raw = req.rawBody ?? '';
    if (Buffer.byteLength(raw) > maxBody) return fail('WECOM_BODY_TOO_LARGE');
    const envelope = readFlatXml(raw);
    const encrypted = envelope?.Encrypt;
    if (!encrypted) return fail('WECOM_BODY_INVALID');
    if (!signatureMatches(options.token, p.timestamp, p.nonce, encrypted, p.signature)) return fail('WECOM_SIGNATURE_INVALID');
    const opened = openEnvelope(aesKey, encrypted, options.corpId);
    if (!opened.ok) return fail(opened.code);
    const message = readFlatXml(opened.message);
    if (!message || !message.MsgType || !message.FromUserName) return fail('WECOM_BODY_INVALID');
    if (!options.queue.hasRoom()) return fail('WECOM_BUSY');
    if (!(await claimNonce(p.timestamp, p.nonce))) return fail('WECOM_NONCE_REPLAYED');
    const key = message.MsgId ? `msg:${message.MsgId}` : `evt:${message.FromUserName}:${message.CreateTime ?? ''}`;
    if (!(await options.receipts.claim('message', key, MESSAGE_TTL_MS, now()))) {
      log.info({ key, msgType: message.MsgType }, 'wecom callback duplicate ignored');
      return ok();
    }
    if (!options.queue.push(() => options.process(message))) return fail('WECOM_BUSY');
    return ok();
  }

  return async (req) => {
    try {
      if (req.method === 'GET') return await verifyUrl(req);
      if (req.method === 'POST') return await receive(req);
      return fail('METHOD_NOT_ALLOWED');
    } catch (err) {
      log.error({ err }, 'wecom callback failed');
      return fail('INTERNAL_ERROR');
    }
  };
}
