import { SignJWT, errors, jwtVerify, type JWTPayload } from 'jose';
import { DomainError } from '../../domain/shared/domain-error.js';

const ISSUER = 'sales-ops';

/**
 * HS256 tokens for one audience, signed with APP_SECRET and expiring: a token of one audience (staff,
 * mini-program session) never passes for another. `sub` is a positive integer id.
 */
export class AudienceTokens {
  readonly #key: Uint8Array;
  readonly #ttlSeconds: number;
  readonly #audience: string;
  readonly #invalidMessage: string;

  constructor(options: { appSecret: string; ttlSeconds: number; audience: string; invalidMessage: string }) {
    this.#key = new TextEncoder().encode(options.appSecret);
    this.#ttlSeconds = options.ttlSeconds;
    this.#audience = options.audience;
    this.#invalidMessage = options.invalidMessage;
  }

  async sign(subject: number, claims: Record<string, unknown>, now = new Date()): Promise<{ token: string; expiresAt: Date }> {
    const iat = Math.floor(now.getTime() / 1000);
    const exp = iat + this.#ttlSeconds;
    const token = await new SignJWT(claims)
      .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
      .setSubject(String(subject))
      .setIssuer(ISSUER)
      .setAudience(this.#audience)
      .setIssuedAt(iat)
      .setExpirationTime(exp)
      .sign(this.#key);
    return { token, expiresAt: new Date(exp * 1000) };
  }

  /** Throws UNAUTHENTICATED (or TOKEN_EXPIRED) for anything but a valid, unexpired token of this audience. */
  async verify(token: string): Promise<{ subject: number; payload: JWTPayload }> {
    try {
      const { payload } = await jwtVerify(token, this.#key, { issuer: ISSUER, audience: this.#audience, algorithms: ['HS256'] });
      const subject = Number(payload.sub);
      if (!Number.isInteger(subject) || subject <= 0) throw new Error('bad subject');
      return { subject, payload };
    } catch (err) {
      if (err instanceof errors.JWTExpired) throw new DomainError('TOKEN_EXPIRED', '登录已过期，请重新登录');
      throw new DomainError('UNAUTHENTICATED', this.#invalidMessage);
    }
  }
}
