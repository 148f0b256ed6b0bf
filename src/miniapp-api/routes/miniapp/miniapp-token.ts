import { AudienceTokens } from '../../auth/audience-tokens.js';

/** Session tokens of mini-program users (customers, or anyone before binding), audience `miniapp`: `sub` is the identity id. */
export class MiniappTokens {
  readonly #tokens: AudienceTokens;

  constructor(appSecret: string, ttlSeconds: number) {
    this.#tokens = new AudienceTokens({ appSecret, ttlSeconds, audience: 'miniapp', invalidMessage: '小程序登录凭证无效' });
  }

  issue(identityId: number, now = new Date()): Promise<{ token: string; expiresAt: Date }> {
    return this.#tokens.sign(identityId, {}, now);
  }

  async verify(token: string): Promise<number> {
    return (await this.#tokens.verify(token)).subject;
  }
}
