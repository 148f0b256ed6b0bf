import { defineEntity, p, type InferEntity } from '@mikro-orm/core';
import { CampaignSchema } from '../campaigns/campaign.entity.js';
import { timestamps } from '../shared/entity-columns.js';
import { SMS_CATEGORIES } from '../shared/vocabulary.js';
import { approvalColumns } from '../staff/approval-columns.js';
import { StaffSchema } from '../staff/staff.entity.js';
import { SmsTemplateSchema } from './sms-template.entity.js';

export const SMS_BATCH_STATUSES = [
  'draft', 'pending_approval', 'approved', 'rejected', 'sending', 'paused', 'completed', 'cancelled',
] as const;
export type SmsBatchStatus = (typeof SMS_BATCH_STATUSES)[number];

/** A batch SMS send: approved once, then sent recipient by recipient by a resumable job. */
export const SmsBatchSchema = defineEntity({
  name: 'SmsBatch',
  tableName: 'sms_batches',
  properties: {
    id: p.integer().primary().autoincrement(),
    status: p.enum([...SMS_BATCH_STATUSES]).default('draft').index(),
    category: p.enum([...SMS_CATEGORIES]).default('marketing'),
    template: () => p.manyToOne(SmsTemplateSchema).ref().nullable(),
    message: p.text().nullable(),
    /** Template parameters shared by every recipient (carriers take one parameter set per request). */
    params: p.json<string[]>().default('[]'),
    /** How the audience was chosen (phone list or customer filter), for the record. */
    audience: p.json<Record<string, unknown>>().nullable(),
    campaign: () => p.manyToOne(CampaignSchema).ref().nullable().deleteRule('set null'),
    totalCount: p.integer().default(0),
    sentCount: p.integer().default(0),
    deliveredCount: p.integer().default(0),
    failedCount: p.integer().default(0),
    skippedCount: p.integer().default(0),
    /** Recorded by a dry-run gateway (OUTREACH_DRY_RUN or no carrier outside production): nothing was sent. */
    dryRun: p.boolean().default(false),
    createdBy: () => p.manyToOne(StaffSchema).mapToPk().joinColumn('created_by').nullable(),
    ...approvalColumns(),
    scheduledAt: p.datetime().nullable(),
    startedAt: p.datetime().nullable(),
    completedAt: p.datetime().nullable(),
    ...timestamps(),
  },
});

export type SmsBatch = InferEntity<typeof SmsBatchSchema>;
