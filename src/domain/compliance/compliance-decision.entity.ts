import { defineEntity, p, type InferEntity } from '@mikro-orm/core';
import { phoneColumns } from '../shared/entity-columns.js';
import { CONTACT_CHANNELS } from '../shared/vocabulary.js';

export const REFUSAL_REASONS = ['OPTED_OUT', 'NO_CONSENT', 'QUIET_HOURS', 'FREQUENCY_CAP', 'BLACKLISTED', 'INVALID_NUMBER'] as const;
export type RefusalReason = (typeof REFUSAL_REASONS)[number];

const phone = phoneColumns('phone', { nullable: true });

/**
 * Every time the compliance policy said no (refused) or not now (deferred): what, to whom, why.
 * Rows are never updated; `subject` says which send it was (sms_log, batch recipient, call, invitation).
 */
export const ComplianceDecisionSchema = defineEntity({
  name: 'ComplianceDecision',
  tableName: 'compliance_decisions',
  properties: {
    id: p.integer().primary().autoincrement(),
    phone: phone.number,
    phoneLast8: phone.last8,
    rawNumber: p.string().length(40).nullable(),
    channel: p.enum([...CONTACT_CHANNELS]),
    purpose: p.enum(['marketing', 'service']),
    outcome: p.enum(['refused', 'deferred']),
    reason: p.enum([...REFUSAL_REASONS]).index(),
    deferredUntil: p.datetime().nullable(),
    subjectType: p.string().length(32),
    subjectId: p.string().length(64).nullable(),
    createdAt: p.datetime().onCreate(() => new Date()).index(),
  },
  indexes: [{ properties: ['subjectType', 'subjectId'] }],
});

export type ComplianceDecision = InferEntity<typeof ComplianceDecisionSchema>;
