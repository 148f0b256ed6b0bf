import { defineEntity, p, type InferEntity } from '@mikro-orm/core';

/**
 * How RFM scores map to a segment, as data: the first rule (lowest priority number) whose ranges all
 * hold wins. `firstVisitWithinDays` additionally requires a first visit (or joining, without visits)
 * at most that many days ago. The migration writes the defaults; an admin may change them.
 */
export const SegmentRuleSchema = defineEntity({
  name: 'SegmentRule',
  tableName: 'segment_rules',
  properties: {
    /** One of CUSTOMER_SEGMENTS (a string key: SQLite's schema diff cannot keep an enum primary key). */
    segment: p.string().length(16).primary(),
    priority: p.integer(),
    rMin: p.tinyint(),
    rMax: p.tinyint(),
    fMin: p.tinyint(),
    fMax: p.tinyint(),
    mMin: p.tinyint(),
    mMax: p.tinyint(),
    firstVisitWithinDays: p.integer().nullable(),
    updatedAt: p.datetime().onCreate(() => new Date()).onUpdate(() => new Date()),
  },
});

export type SegmentRule = InferEntity<typeof SegmentRuleSchema>;
