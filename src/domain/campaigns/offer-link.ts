import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * The signed short link an SMS carries to one member's offer: `<tracking id>.<12 chars of HMAC-SHA256>`.
 * Short enough for an SMS parameter; it cannot be guessed or altered (a changed id fails the signature),
 * and it names the member's tracking row, so opening it is recorded for that member.
 */
export function offerToken(secret: string, trackingId: number): string {
  return `${trackingId.toString(36)}.${mac(secret, trackingId)}`;
}

/** The tracking id a token signs, or null when it is malformed or its signature does not match. */
export function verifyOfferToken(secret: string, token: string): number | null {
  const m = /^([0-9a-z]{1,12})\.([A-Za-z0-9_-]{12})$/.exec(token);
  if (!m) return null;
  const id = Number.parseInt(m[1]!, 36);
  if (!Number.isSafeInteger(id) || id <= 0) return null;
  const expected = Buffer.from(mac(secret, id));
  const given = Buffer.from(m[2]!);
  return expected.length === given.length && timingSafeEqual(expected, given) ? id : null;
}

function mac(secret: string, id: number): string {
  return createHmac('sha256', secret).update(`offer:${id}`).digest('base64url').slice(0, 12);
}
