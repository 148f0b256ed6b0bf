import { z } from 'zod';
import type { Clock } from '../../../domain/ports/clock.port.js';
import { openOffer } from '../../../domain/campaigns/offer.service.js';
import { instant } from '../../http/response.schemas.js';
import { route, routes } from '../../http/route.js';

const tokenParams = z.object({ token: z.string().regex(/^[0-9a-z]{1,12}\.[A-Za-z0-9_-]{12}$/, '优惠链接格式不正确') });
const offerView = z.object({
  campaignId: z.string(),
  name: z.string(),
  offer: z.string(),
  memberName: z.string().nullable(),
  validUntil: instant.nullable(),
  claimed: z.boolean(),
});

/**
 * The offer page a campaign SMS links to (the mini-program's page calls these with the link's token):
 * opening records "opened", the 领取 button records "clicked". The signed token is the credential.
 */
export function offerRoutes(deps: { linkSecret: string; clock: Clock }) {
  const tags = ['miniapp'];
  return routes(
    route({
      method: 'get',
      path: '/api/miniapp/offers/:token',
      summary: '打开营销短信中的个人优惠链接（记录打开）',
      tags,
      access: 'public',
      params: tokenParams,
      responses: { 200: { description: '优惠内容', schema: offerView } },
      errors: ['OFFER_NOT_FOUND'],
      handler: (ctx, { params }) => openOffer(ctx.state.em, deps.linkSecret, params.token, 'open', deps.clock.now()),
    }),
    route({
      method: 'post',
      path: '/api/miniapp/offers/:token/claim',
      summary: '领取优惠（记录点击）',
      tags,
      access: 'public',
      params: tokenParams,
      responses: { 200: { description: '已领取', schema: offerView } },
      errors: ['OFFER_NOT_FOUND'],
      handler: (ctx, { params }) => openOffer(ctx.state.em, deps.linkSecret, params.token, 'claim', deps.clock.now()),
    }),
  );
}
