import { SignJWT, errors, jwtVerify } from 'jose';
import { DomainError } from '../../../domain/shared/domain-error.js';

const ISSUER = 'sales-ops';
/** A second audience: a mini-program session can never pass as a staff token, nor the reverse. */
const AUDIENCE = 'miniapp';

/** Session tokens of mini-program users (customers, or anyone before binding): `sub` is the identity id. */
export class MiniappTokens {
  readonly #key: Uint8Array;
  readonly #ttlSeconds: number;

  constructor(appSecret: string, ttlSeconds: number) {
    this.#key = new TextEncoder().encode(appSecret);
    this.#ttlSeconds = ttlSeconds;
  }

  async issue(identityId: number, now = new Date()): Promise<{ token: string; expiresAt: Date }> {
    const iat = Math.floor(now.getTime() / 1000);
    const exp = iat + this.#ttlSeconds;
    const token = await new SignJWT({})
      .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
      .setSubject(String(identityId))
      .setIssuer(ISSUER)
      .setAudience(AUDIENCE)
      .setIssuedAt(iat)
      .setExpirationTime(exp)
      .sign(this.#key);
    return { token, expiresAt: new Date(exp * 1000) };
  }

  async verify(token: string): Promise<number> {
    try {
      const { payload } = await jwtVerify(token, this.#key, { issuer: ISSUER, audience: AUDIENCE, algorithms: ['HS256'] });
      const id = Number(payload.sub);
      if (!Number.isInteger(id) || id <= 0) throw new Error('bad subject');
      return id;
    } catch (err) {
      if (err instanceof errors.JWTExpired) throw new DomainError('TOKEN_EXPIRED', '登录已过期，请重新登录');
      throw new DomainError('UNAUTHENTICATED', '小程序登录凭证无效');
    }
  }
}
