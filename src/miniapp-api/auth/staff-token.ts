import { SignJWT, jwtVerify, errors } from 'jose';
import { DomainError } from '../../domain/shared/domain-error.js';

/** Claims of a staff bearer token: `sub` is the staff id. */
export type StaffClaims = { staffId: number; role: string };

const ISSUER = 'sales-ops';
const AUDIENCE = 'staff';

/** Signs and verifies staff bearer tokens (HS256 with APP_SECRET, with expiry). */
export class StaffTokens {
  readonly #key: Uint8Array;
  readonly #ttlSeconds: number;

  constructor(appSecret: string, ttlSeconds: number) {
    this.#key = new TextEncoder().encode(appSecret);
    this.#ttlSeconds = ttlSeconds;
  }

  async issue(claims: StaffClaims, now = new Date()): Promise<{ token: string; expiresAt: Date }> {
    const iat = Math.floor(now.getTime() / 1000);
    const exp = iat + this.#ttlSeconds;
    const token = await new SignJWT({ role: claims.role })
      .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
      .setSubject(String(claims.staffId))
      .setIssuer(ISSUER)
      .setAudience(AUDIENCE)
      .setIssuedAt(iat)
      .setExpirationTime(exp)
      .sign(this.#key);
    return { token, expiresAt: new Date(exp * 1000) };
  }

  /** Throws UNAUTHENTICATED (or TOKEN_EXPIRED) for anything but a valid, unexpired token of ours. */
  async verify(token: string): Promise<StaffClaims> {
    try {
      const { payload } = await jwtVerify(token, this.#key, { issuer: ISSUER, audience: AUDIENCE, algorithms: ['HS256'] });
      const staffId = Number(payload.sub);
      if (!Number.isInteger(staffId) || staffId <= 0) throw new Error('bad subject');
      return { staffId, role: String(payload.role ?? '') };
    } catch (err) {
      if (err instanceof errors.JWTExpired) throw new DomainError('TOKEN_EXPIRED', '登录已过期，请重新登录');
      throw new DomainError('UNAUTHENTICATED', '身份令牌无效');
    }
  }
}
