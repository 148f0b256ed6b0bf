import { defineEntity, p, type InferEntity } from '@mikro-orm/core';
import { MemberSchema } from '../members/member.entity.js';
import { timestamps } from '../shared/entity-columns.js';
import { CampaignSchema } from './campaign.entity.js';

export const TRACKING_STATUSES = ['sent', 'delivered', 'opened', 'clicked', 'converted'] as const;
export type TrackingStatus = (typeof TRACKING_STATUSES)[number];

/** How far one member got with one campaign, and the revenue and cost it brought (seed 001). */
export const CampaignTrackingSchema = defineEntity({
  name: 'CampaignTracking',
  tableName: 'campaign_tracking',
  properties: {
    id: p.integer().primary().autoincrement(),
    campaign: () => p.manyToOne(CampaignSchema).ref().deleteRule('cascade'),
    member: () => p.manyToOne(MemberSchema).ref().deleteRule('cascade'),
    status: p.enum([...TRACKING_STATUSES]).default('sent'),
    revenueFen: p.integer().default(0),
    costFen: p.integer().default(0),
    ...timestamps(),
  },
  indexes: [{ properties: ['campaign', 'status'] }],
});

export type CampaignTracking = InferEntity<typeof CampaignTrackingSchema>;
