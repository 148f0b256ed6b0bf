import { defineEntity, p, type InferEntity } from '@mikro-orm/core';
import { MemberSchema } from '../members/member.entity.js';
import { phoneColumns, timestamps } from '../shared/entity-columns.js';
import { CampaignSchema } from './campaign.entity.js';

export const TRACKING_STATUSES = ['sent', 'delivered', 'opened', 'clicked', 'converted'] as const;
export type TrackingStatus = (typeof TRACKING_STATUSES)[number];

const phone = phoneColumns('phone', { nullable: true });

/**
 * How far one member got with one campaign, and the revenue and cost it brought (seed 001). One row per
 * member of the audience, holdout members included (`holdout`: chosen at random at launch, sent nothing,
 * their visits in the attribution window measure what would have happened anyway). `status` is the
 * furthest stage reached (null: nothing sent yet, or a holdout member); each stage keeps its time.
 */
export const CampaignTrackingSchema = defineEntity({
  name: 'CampaignTracking',
  tableName: 'campaign_tracking',
  properties: {
    id: p.integer().primary().autoincrement(),
    campaign: () => p.manyToOne(CampaignSchema).ref().deleteRule('cascade'),
    member: () => p.manyToOne(MemberSchema).ref().deleteRule('cascade'),
    holdout: p.boolean().default(false),
    phone: phone.number,
    status: p.enum([...TRACKING_STATUSES]).nullable(),
    sentAt: p.datetime().nullable(),
    deliveredAt: p.datetime().nullable(),
    openedAt: p.datetime().nullable(),
    clickedAt: p.datetime().nullable(),
    convertedAt: p.datetime().nullable(),
    revenueFen: p.integer().default(0),
    costFen: p.integer().default(0),
    ...timestamps(),
  },
  uniques: [{ properties: ['campaign', 'member'] }],
  indexes: [{ properties: ['campaign', 'status'] }],
});

export type CampaignTracking = InferEntity<typeof CampaignTrackingSchema>;
