import type { EntityManager } from '@mikro-orm/core';
import { DomainError } from '../shared/domain-error.js';
import { CampaignSchema } from './campaign.entity.js';
import { CampaignTrackingSchema } from './campaign-tracking.entity.js';
import { attributionWindow } from './campaign-performance.query.js';
import { verifyOfferToken } from './offer-link.js';

/**
 * The mini-program's offer page behind a campaign SMS's signed link: opening it records `opened_at`
 * (the first time), claiming the offer records `clicked_at`. The token is the only credential; a
 * tampered or unknown one is OFFER_NOT_FOUND, as is a link of a holdout member (they were sent none).
 */
export async function openOffer(em: EntityManager, secret: string, token: string, action: 'open' | 'claim', now: Date) {
  const id = verifyOfferToken(secret, token);
  const row = id ? await em.findOne(CampaignTrackingSchema, { id, holdout: false }, { populate: ['member'], disableIdentityMap: true }) : null;
  if (!row) throw new DomainError('OFFER_NOT_FOUND', '优惠链接无效或已失效');
  const campaign = await em.findOneOrFail(CampaignSchema, { id: row.campaign.id }, { disableIdentityMap: true });
  // First time only: a conditional update per stage, so reloads and double taps change nothing.
  await em.nativeUpdate(CampaignTrackingSchema, { id, openedAt: null }, { openedAt: now, updatedAt: now });
  if (action === 'claim') await em.nativeUpdate(CampaignTrackingSchema, { id, clickedAt: null }, { clickedAt: now, updatedAt: now });
  const window = attributionWindow(campaign);
  return {
    campaignId: campaign.id,
    name: campaign.name,
    offer: campaign.offer ?? '',
    memberName: row.member.getEntity().name ?? null,
    validUntil: window?.to ?? null,
    claimed: action === 'claim' || row.clickedAt !== null && row.clickedAt !== undefined,
  };
}
