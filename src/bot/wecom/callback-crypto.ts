import { createDecipheriv, timingSafeEqual } from 'node:crypto';
import { getSignature } from '@wecom/crypto';

/**
 * WeCom's callback envelope (AES-256-CBC, key = base64(EncodingAESKey + "="), iv = key[0..16), PKCS#7 to
 * 32-byte blocks; plaintext = 16 random bytes | 4-byte big-endian length | message | receive id).
 * @wecom/crypto signs; the opening is strict here because its decrypt accepts bad padding and lengths.
 */
export type OpenResult = { ok: true; message: string } | { ok: false; code: CryptoFailure };
export type CryptoFailure = 'WECOM_SIGNATURE_INVALID' | 'WECOM_CIPHERTEXT_INVALID' | 'WECOM_PADDING_INVALID' | 'WECOM_LENGTH_INVALID' | 'WECOM_RECEIVER_MISMATCH';

const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;
const SIGNATURE = /^[0-9a-f]{40}$/;

export function aesKeyFrom(encodingAesKey: string): Buffer {
  const key = Buffer.from(`${encodingAesKey}=`, 'base64');
  if (key.length !== 32) throw new Error('WECOM_ENCODING_AES_KEY does not decode to 32 bytes');
  return key;
}

/** Constant-time comparison of the expected SHA-1 signature with the one received. */
export function signatureMatches(token: string, timestamp: string, nonce: string, encrypted: string, received: string): boolean {
  const expected = Buffer.from(getSignature(token, timestamp, nonce, encrypted), 'utf8');
  const given = Buffer.from(received.toLowerCase(), 'utf8');
  if (!SIGNATURE.test(received.toLowerCase()) || given.length !== expected.length) {
    timingSafeEqual(expected, expected);
    return false;
  }
  return timingSafeEqual(expected, given);
}

/** Decrypts and checks the frame: base64, block size, padding 1–32, length field, receive id. */
export function openEnvelope(aesKey: Buffer, encrypted: string, receiveId: string): OpenResult {
  if (!BASE64.test(encrypted) || encrypted.length % 4 !== 0) return { ok: false, code: 'WECOM_CIPHERTEXT_INVALID' };
  const cipher = Buffer.from(encrypted, 'base64');
  if (cipher.length === 0 || cipher.length % 32 !== 0) return { ok: false, code: 'WECOM_CIPHERTEXT_INVALID' };
  let plain: Buffer;
  try {
    const decipher = createDecipheriv('aes-256-cbc', aesKey, aesKey.subarray(0, 16));
    decipher.setAutoPadding(false);
    plain = Buffer.concat([decipher.update(cipher), decipher.final()]);
  } catch {
    return { ok: false, code: 'WECOM_CIPHERTEXT_INVALID' };
  }
  const pad = plain[plain.length - 1]!;
  if (pad < 1 || pad > 32 || pad > plain.length) return { ok: false, code: 'WECOM_PADDING_INVALID' };
  for (let i = plain.length - pad; i < plain.length; i++) if (plain[i] !== pad) return { ok: false, code: 'WECOM_PADDING_INVALID' };
  const body = plain.subarray(0, plain.length - pad);
  if (body.length < 20) return { ok: false, code: 'WECOM_LENGTH_INVALID' };
  const length = body.readUInt32BE(16);
  if (20 + length > body.length) return { ok: false, code: 'WECOM_LENGTH_INVALID' };
  const id = body.subarray(20 + length);
  const expectedId = Buffer.from(receiveId, 'utf8');
  if (id.length !== expectedId.length || !timingSafeEqual(id, expectedId)) return { ok: false, code: 'WECOM_RECEIVER_MISMATCH' };
  const message = body.subarray(20, 20 + length);
  try {
    return { ok: true, message: new TextDecoder('utf-8', { fatal: true }).decode(message) };
  } catch {
    return { ok: false, code: 'WECOM_CIPHERTEXT_INVALID' };
  }
}
