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
  /** How long one process may work on a message before another takes it over (default 5 min). */
  leaseMs?: number;
  /** Milliseconds since the epoch; tests pin it to the sample vectors' time. */
  now?: () => number;
  maxBodyBytes?: number;
};

export const TIMESTAMP_WINDOW_S = 300;
export const NONCE_TTL_MS = 2 * 60 * 60_000;
/** WeCom retries for well under a day; message keys are kept longer than any retry. */
export const MESSAGE_TTL_MS = 24 * 60 * 60_000;
const DEFAULT_MAX_BODY = 64 * 1024;
export const DEFAULT_LEASE_MS = 5 * 60_000;

function fail(code: ErrorCode): CallbackResponse {
  const { status, message = code } = errorSpec(code);
  return { status, contentType: 'application/json', code, body: JSON.stringify({ code: status, message, error: code }) };
}

const ok = (body = ''): CallbackResponse => ({ status: 200, contentType: 'text/plain', body });

function single(query: CallbackRequest['query'], name: string): string | undefined {
  const v = query[name];
  return typeof v === 'string' && v.length > 0 ? v : undefined;
}

export type CallbackHandler = ((req: CallbackRequest) => Promise<CallbackResponse>) & {
  /**
   * Queues every message claimed and not processed whose lease is free or expired (its process died
   * after the 200); returns how many. Run at start and on a schedule.
   */
  recover(limit?: number): Promise<number>;
};

/**
 * The WeCom callback door without a web framework: URL verification (GET) and messages (POST).
 * Order of checks: parameters, timestamp window, signature (constant time), envelope (padding, length,
 * receive id), nonce replay, message de-duplication; the statement that claims the message key also
 * stores the decrypted message, and only then does the 200 go out. The message is processed from the
 * database (leased, processed, marked processed), so a crash after the answer loses nothing: recover()
 * picks it up. Any failure is a 4xx and nothing is stored or processed.
 */
export function createCallbackHandler(options: CallbackOptions): CallbackHandler {
  const aesKey = aesKeyFrom(options.encodingAesKey);
  const now = options.now ?? Date.now;
  const maxBody = options.maxBodyBytes ?? DEFAULT_MAX_BODY;
  const log = options.log;
  const leaseMs = options.leaseMs ?? DEFAULT_LEASE_MS;

  /** Processes one stored message unless another process holds it or it is done. */
  async function processStored(id: number): Promise<void> {
    const message = await options.receipts.lease(id, leaseMs, Date.now());
    if (!message) return;
    await options.process(message);
    await options.receipts.finish(id, Date.now());
  }

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
    const id = await options.receipts.claimMessage(key, MESSAGE_TTL_MS, message, now());
    if (id === undefined) {
      log.info({ key, msgType: message.MsgType }, 'wecom callback duplicate ignored');
      return ok();
    }
    // Stored: even if the queue is full now, recover() processes it; WeCom need not retry.
    options.queue.push(() => processStored(id));
    return ok();
  }

  const handler = async (req: CallbackRequest): Promise<CallbackResponse> => {
    try {
      if (req.method === 'GET') return await verifyUrl(req);
      if (req.method === 'POST') return await receive(req);
      return fail('METHOD_NOT_ALLOWED');
    } catch (err) {
      log.error({ err }, 'wecom callback failed');
      return fail('INTERNAL_ERROR');
    }
  };
  return Object.assign(handler, {
    async recover(limit = 500) {
      const ids = await options.receipts.unfinished(limit, Date.now());
      let queued = 0;
      for (const id of ids) if (options.queue.push(() => processStored(id))) queued++;
      if (queued > 0) log.info({ queued }, 'wecom messages acknowledged but not processed: processing them now');
      return queued;
    },
  });
}
