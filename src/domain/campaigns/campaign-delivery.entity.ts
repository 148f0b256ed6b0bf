import { defineEntity, p, type InferEntity } from '@mikro-orm/core';
import { MemberSchema } from '../members/member.entity.js';
import { timestamps } from '../shared/entity-columns.js';
import { CAMPAIGN_CHANNELS, CampaignSchema } from './campaign.entity.js';

/**
 * `queued`: handed to its channel, no outcome yet; `skipped`: the channel did not send it, with the reason
 * (compliance — NO_CONSENT, OPTED_OUT, BLACKLISTED, FREQUENCY_CAP —, NO_CUSTOMER, NO_OWNER, INVITATION_EXISTS…);
 * `failed`: the carrier or the channel failed it.
 */
export const DELIVERY_STATUSES = ['queued', 'sent', 'delivered', 'skipped', 'failed'] as const;
export type DeliveryStatus = (typeof DELIVERY_STATUSES)[number];

/**
 * What one channel did for one treated member of a campaign (issue 10 §4): one row per member and channel
 * of the campaign's mix, written at launch and brought up to date by the tracking refresh from the channel's
 * own records (`ref`: the SMS batch recipient's number, the invitation id, for WeCom the owner note's
 * outbox ref, `campaign:<id>:staff:<owner's staff id>`).
 * Holdout members have none: they receive nothing.
 */
export const CampaignDeliverySchema = defineEntity({
  name: 'CampaignDelivery',
  tableName: 'campaign_deliveries',
  properties: {
    id: p.integer().primary().autoincrement(),
    campaign: () => p.manyToOne(CampaignSchema).ref().deleteRule('cascade'),
    member: () => p.manyToOne(MemberSchema).ref().deleteRule('cascade'),
    channel: p.enum([...CAMPAIGN_CHANNELS]),
    status: p.enum([...DELIVERY_STATUSES]).default('queued'),
    reason: p.string().length(64).nullable(),
    ref: p.string().length(64).nullable(),
    sentAt: p.datetime().nullable(),
    deliveredAt: p.datetime().nullable(),
    ...timestamps(),
  },
  uniques: [{ properties: ['campaign', 'member', 'channel'] }],
  indexes: [{ properties: ['campaign', 'channel', 'status'] }],
});

export type CampaignDelivery = InferEntity<typeof CampaignDeliverySchema>;
