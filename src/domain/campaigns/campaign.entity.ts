import { defineEntity, p, type InferEntity } from '@mikro-orm/core';
import type { AudienceFilter } from '../customers/audience.js';
import { EventSchema } from '../events/event.entity.js';
import { timestamps } from '../shared/entity-columns.js';
import { CONTACT_CHANNELS, CUSTOMER_SEGMENTS } from '../shared/vocabulary.js';
import { approvalColumns } from '../staff/approval-columns.js';
import { StaffSchema } from '../staff/staff.entity.js';

export const CAMPAIGN_TYPES = ['discount', 'coupon', 'gift', 'points', 'upgrade', 'retention'] as const;
export type CampaignType = (typeof CAMPAIGN_TYPES)[number];
export const CAMPAIGN_STATUSES = ['draft', 'pending_approval', 'approved', 'rejected', 'running', 'completed'] as const;
export type CampaignStatus = (typeof CAMPAIGN_STATUSES)[number];
/**
 * The channels a campaign runs through (issue 10 §4): `sms` (the batch with each member's offer link),
 * `invitation` (an event invitation per customer, sent by the invitation service), `wecom` (a note to each
 * customer's owner listing their customers in the campaign).
 */
export const CAMPAIGN_CHANNELS = ['sms', 'invitation', 'wecom'] as const;
export type CampaignChannel = (typeof CAMPAIGN_CHANNELS)[number];
export const CONTENT_SOURCES = ['model', 'template'] as const;
export const ROI_BASES = ['history', 'prior'] as const;

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
    /** The channel mix (CAMPAIGN_CHANNELS) the launch runs through. */
    channels: p.json<CampaignChannel[]>().default('["sms"]').onCreate(() => ['sms']),
    /** Who it goes to beyond the segment (tags, recent visit); null: the segment's members. */
    audience: p.json<AudienceFilter>().nullable(),
    /** The event the `invitation` channel invites to. */
    event: () => p.manyToOne(EventSchema).ref().nullable().deleteRule('set null'),
    status: p.enum([...CAMPAIGN_STATUSES]).default('draft').index(),
    content: p.text(),
    /** The offer line (one SMS template parameter) and where it came from. */
    offer: p.string().length(200).nullable(),
    contentSource: p.enum([...CONTENT_SOURCES]).nullable(),
    /** SMS template the sends use ({1} name, {2} offer, {3} link). */
    smsTemplateCode: p.string().length(50).nullable(),
    /** What one redeemed offer costs (fen); counted in a converted member's cost. */
    incentiveFen: p.integer().default(0),
    budgetFen: p.bigint('number').nullable(),
    /** Earliest launch (after approval); null: as soon as approved. */
    startAt: p.datetime().nullable(),
    holdoutPercent: p.integer().default(10),
    attributionDays: p.integer().default(7),
    audienceSize: p.integer().default(0),
    estimatedCostFen: p.bigint('number').default(0),
    /** Percent; from this segment's past campaigns (`history`) or the type's prior (`prior`). */
    expectedRoi: p.decimal('number').precision(10).scale(2).nullable(),
    roiBasis: p.enum([...ROI_BASES]).nullable(),
    createdBy: () => p.manyToOne(StaffSchema).mapToPk().joinColumn('created_by').nullable(),
    submittedAt: p.datetime().nullable(),
    ...approvalColumns(),
    startedAt: p.datetime().nullable(),
    completedAt: p.datetime().nullable(),
    ...timestamps(),
  },
});

export type Campaign = InferEntity<typeof CampaignSchema>;
