import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { decrypt, getSignature } from '@wecom/crypto';
import { createLogger } from '../../src/logging/logger.js';
import { createBackgroundQueue } from '../../src/bot/wecom/background-queue.js';
import { createCallbackHandler, type CallbackRequest, type WecomInbound } from '../../src/bot/wecom/callback-handler.js';
import { aesKeyFrom, openEnvelope } from '../../src/bot/wecom/callback-crypto.js';
import { createSqlReceiptStore } from '../../src/bot/wecom/receipt-store.js';
import { CallbackReceiptSchema } from '../../src/bot/wecom/callback-receipt.entity.js';
import { createMigratedOrm } from '../support/database.js';
import { SAMPLE, encryptInner, frame, freshNonce, rawFrame, signedPost, textXml } from './wecom-samples.js';

const log = createLogger('silent');

describe('WeCom callback crypto with the official sample vectors', () => {
  it('our strict opening agrees with @wecom/crypto on both samples', () => {
    const key = aesKeyFrom(SAMPLE.encodingAesKey);
    expect(openEnvelope(key, SAMPLE.verify.echostr, SAMPLE.corpId)).toEqual({ ok: true, message: SAMPLE.verify.plaintext });
    const encrypted = /<Encrypt><!\[CDATA\[(.+?)\]\]>/.exec(SAMPLE.message.body)![1]!;
    const opened = openEnvelope(key, encrypted, SAMPLE.corpId);
    expect(opened.ok && opened.message).toBe(decrypt(SAMPLE.encodingAesKey, encrypted).message);
    expect(getSignature(SAMPLE.token, SAMPLE.message.timestamp, SAMPLE.message.nonce, encrypted)).toBe(SAMPLE.message.msg_signature);
  });
});

describe('WeCom callback handler', () => {
  let db: Awaited<ReturnType<typeof createMigratedOrm>>;
  let clock = 0;
  let processed: WecomInbound[] = [];
  let handle: (req: CallbackRequest) => Promise<{ status: number; body: string; code?: string }>;
  const queue = createBackgroundQueue({ concurrency: 4, capacity: 100, log });

  beforeAll(async () => {
    db = await createMigratedOrm('sqlite');
    handle = createCallbackHandler({
      token: SAMPLE.token,
      encodingAesKey: SAMPLE.encodingAesKey,
      corpId: SAMPLE.corpId,
      receipts: createSqlReceiptStore(db.orm),
      queue,
      process: async (m) => void processed.push(m),
      log,
      now: () => clock,
    });
  });
  afterAll(() => db.close());
  beforeEach(() => {
    processed = [];
    clock = Date.now();
  });

  const post = async (p: { query: Record<string, string>; body: string }) => {
    const res = await handle({ method: 'POST', query: p.query, rawBody: p.body });
    await queue.drain();
    return res;
  };
  const receipts = () => db.orm.em.fork().count(CallbackReceiptSchema, {});

  it('answers the sample URL verification with the decrypted echostr', async () => {
    clock = Number(SAMPLE.verify.timestamp) * 1000;
    const res = await handle({ method: 'GET', query: { ...SAMPLE.verify } });
    expect(res).toMatchObject({ status: 200, body: SAMPLE.verify.plaintext });
  });

  it('accepts the sample message, processes it once, and treats its second delivery as a replay', async () => {
    clock = Number(SAMPLE.message.timestamp) * 1000 + 2000;
    const query = { msg_signature: SAMPLE.message.msg_signature, timestamp: SAMPLE.message.timestamp, nonce: SAMPLE.message.nonce };
    const res = await post({ query, body: SAMPLE.message.body });
    expect(res.status).toBe(200);
    expect(processed).toHaveLength(1);
    expect(processed[0]).toMatchObject({ FromUserName: 'mycreate', MsgType: 'text', Content: 'hello', MsgId: '4561255354251345929' });
    const again = await post({ query, body: SAMPLE.message.body });
    expect(again).toMatchObject({ status: 409, code: 'WECOM_NONCE_REPLAYED' });
    expect(processed).toHaveLength(1);
  });

  it('de-duplicates a retried message by MsgId (fresh nonce, same message)', async () => {
    const encrypted = encryptInner(textXml('zhangsan', '帮助', 'dup-1'));
    expect((await post(signedPost(encrypted))).status).toBe(200);
    expect((await post(signedPost(encrypted))).status).toBe(200);
    expect(processed).toHaveLength(1);
  });

  const good = () => encryptInner(textXml('zhangsan', '待办', `m-${freshNonce()}`));
  const flipBit = (b64: string, byteIndex: number) => {
    const buf = Buffer.from(b64, 'base64');
    buf[byteIndex]! ^= 0x01;
    return buf.toString('base64');
  };
  const tampered: Array<[string, () => { query: Record<string, string>; body: string }, number, string]> = [
    ['bad signature', () => { const p = signedPost(good()); p.query.msg_signature = p.query.msg_signature!.replace(/^./, (c) => (c === 'a' ? 'b' : 'a')); return p; }, 401, 'WECOM_SIGNATURE_INVALID'],
    ['flipped ciphertext bit (signature kept)', () => { const e = good(); const p = signedPost(e); return { query: p.query, body: p.body.replace(e, flipBit(e, 40)) }; }, 401, 'WECOM_SIGNATURE_INVALID'],
    ['flipped bit changing the padding byte (re-signed)', () => { const e = good(); const len = Buffer.from(e, 'base64').length; return signedPost(flipBit(e, len - 17)); }, 400, 'WECOM_PADDING_INVALID'],
    ['wrong receive id', () => signedPost(encryptInner(textXml('zhangsan', '待办', 'x1'), 'wx0000000000000000')), 403, 'WECOM_RECEIVER_MISMATCH'],
    ['bad base64', () => signedPost('not*base64!!'), 400, 'WECOM_CIPHERTEXT_INVALID'],
    ['ciphertext not a whole block', () => signedPost(Buffer.alloc(40, 7).toString('base64')), 400, 'WECOM_CIPHERTEXT_INVALID'],
    ['padding 0', () => signedPost(rawFrame(frame(textXml('zhangsan', '待办', 'x2'), { padValue: 0 }))), 400, 'WECOM_PADDING_INVALID'],
    ['padding over 32', () => signedPost(rawFrame(frame(textXml('zhangsan', '待办', 'x3'), { padValue: 33 }))), 400, 'WECOM_PADDING_INVALID'],
    ['length past the end', () => signedPost(rawFrame(frame(textXml('zhangsan', '待办', 'x4'), { lengthField: 100_000 }))), 400, 'WECOM_LENGTH_INVALID'],
    ['missing parameter', () => { const p = signedPost(good()); delete (p.query as Record<string, string | undefined>).nonce; return p; }, 400, 'WECOM_PARAM_MISSING'],
    ['stale timestamp', () => signedPost(good(), { timestamp: String(Math.floor(Date.now() / 1000) - 301) }), 401, 'WECOM_TIMESTAMP_STALE'],
    ['timestamp from the future', () => signedPost(good(), { timestamp: String(Math.floor(Date.now() / 1000) + 400) }), 401, 'WECOM_TIMESTAMP_STALE'],
    ['oversized body', () => { const p = signedPost(good()); return { query: p.query, body: p.body.replace('</xml>', `<Pad>${'x'.repeat(70_000)}</Pad></xml>`) }; }, 413, 'WECOM_BODY_TOO_LARGE'],
    ['no Encrypt element', () => { const p = signedPost(good()); return { query: p.query, body: '<xml><ToUserName>x</ToUserName></xml>' }; }, 400, 'WECOM_BODY_INVALID'],
    ['not XML at all', () => { const p = signedPost(good()); return { query: p.query, body: '{"Encrypt":"x"}' }; }, 400, 'WECOM_BODY_INVALID'],
  ];

  it.each(tampered)('rejects %s with nothing processed', async (_name, build, status, code) => {
    const before = await receipts();
    const res = await post(build());
    expect(res.status).toBe(status);
    expect(res.code).toBe(code);
    expect(JSON.parse(res.body)).toMatchObject({ code: status, error: code });
    expect(processed).toHaveLength(0);
    expect(await receipts()).toBe(before);
  });

  it('rejects a replayed nonce even with a new message', async () => {
    // A replay carries the signed timestamp it was sent with; pinning it keeps a second boundary
    // between the two posts from making them two different (timestamp, nonce) pairs.
    const nonce = freshNonce();
    const timestamp = String(Math.floor(clock / 1000));
    expect((await post(signedPost(good(), { nonce, timestamp }))).status).toBe(200);
    const res = await post(signedPost(good(), { nonce, timestamp }));
    expect(res).toMatchObject({ status: 409, code: 'WECOM_NONCE_REPLAYED' });
    expect(processed).toHaveLength(1);
  });

  it('rejects a tampered URL verification and a duplicated parameter', async () => {
    const ts = String(Math.floor(Date.now() / 1000));
    const nonce = freshNonce();
    const echostr = encryptInner('12345');
    const sig = getSignature(SAMPLE.token, ts, nonce, echostr);
    expect((await handle({ method: 'GET', query: { msg_signature: sig, timestamp: ts, nonce, echostr: flipBit(echostr, 3) } })).status).toBe(401);
    expect((await handle({ method: 'GET', query: { msg_signature: [sig, sig], timestamp: ts, nonce, echostr } })).status).toBe(400);
    expect(await handle({ method: 'GET', query: { msg_signature: sig, timestamp: ts, nonce, echostr } })).toMatchObject({ status: 200, body: '12345' });
    expect((await handle({ method: 'PUT', query: {} })).status).toBe(405);
  });
});
