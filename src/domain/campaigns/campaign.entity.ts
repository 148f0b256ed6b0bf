import { defineEntity, p, type InferEntity } from '@mikro-orm/core';
import { timestamps } from '../shared/entity-columns.js';
import { CONTACT_CHANNELS, CUSTOMER_SEGMENTS } from '../shared/vocabulary.js';
import { approvalColumns } from '../staff/approval-columns.js';
import { StaffSchema } from '../staff/staff.entity.js';

export const CAMPAIGN_TYPES = ['discount', 'coupon', 'gift', 'points', 'upgrade', 'retention'] as const;
export type CampaignType = (typeof CAMPAIGN_TYPES)[number];
export const CAMPAIGN_STATUSES = ['draft', 'pending_approval', 'approved', 'rejected', 'running', 'completed'] as const;
export type CampaignStatus = (typeof CAMPAIGN_STATUSES)[number];

/** A per-segment marketing campaign (seed 001) that a manager approves before it runs. */
export const CampaignSchema = defineEntity({
  name: 'Campaign',
  tableName: 'campaigns',
  properties: {
    id: p.string().length(50).primary(),
    name: p.string().length(200),
    segment: p.enum([...CUSTOMER_SEGMENTS]).index(),
    type: p.enum([...CAMPAIGN_TYPES]),
    channel: p.enum([...CONTACT_CHANNELS]),
    status: p.enum([...CAMPAIGN_STATUSES]).default('draft').index(),
    content: p.text(),
    audienceSize: p.integer().default(0),
    estimatedCostFen: p.bigint('number').default(0),
    createdBy: () => p.manyToOne(StaffSchema).mapToPk().joinColumn('created_by').nullable(),
    submittedAt: p.datetime().nullable(),
    ...approvalColumns(),
    startedAt: p.datetime().nullable(),
    completedAt: p.datetime().nullable(),
    ...timestamps(),
  },
});

export type Campaign = InferEntity<typeof CampaignSchema>;
