import { AudienceTokens } from './audience-tokens.js';

/** Claims of a staff bearer token: `sub` is the staff id. */
export type StaffClaims = { staffId: number; role: string };

/** Staff bearer tokens (audience `staff`). */
export class StaffTokens {
  readonly #tokens: AudienceTokens;

  constructor(appSecret: string, ttlSeconds: number) {
    this.#tokens = new AudienceTokens({ appSecret, ttlSeconds, audience: 'staff', invalidMessage: '身份令牌无效' });
  }

  issue(claims: StaffClaims, now = new Date()): Promise<{ token: string; expiresAt: Date }> {
    return this.#tokens.sign(claims.staffId, { role: claims.role }, now);
  }

  async verify(token: string): Promise<StaffClaims> {
    const { subject, payload } = await this.#tokens.verify(token);
    return { staffId: subject, role: String(payload.role ?? '') };
  }
}
