import { defineEntity, p, type InferEntity } from '@mikro-orm/core';

/**
 * The RFM cut points (20/40/60/80th percentiles over active members) of the last full run, one row per
 * dimension: R on days since the last visit, F on visits and M on spending (fen) over 365 days.
 * Incremental runs score changed members against these.
 */
export const RfmThresholdSchema = defineEntity({
  name: 'RfmThreshold',
  tableName: 'rfm_thresholds',
  properties: {
    /** r, f or m. */
    dimension: p.string().length(1).primary(),
    p20: p.bigint('number'),
    p40: p.bigint('number'),
    p60: p.bigint('number'),
    p80: p.bigint('number'),
    population: p.integer(),
    computedAt: p.datetime(),
  },
});

/** Per segment: member count and averages as of the last run, so GET …/segment reads six rows. */
export const SegmentStatSchema = defineEntity({
  name: 'SegmentStat',
  tableName: 'segment_stats',
  properties: {
    /** One of CUSTOMER_SEGMENTS. */
    segment: p.string().length(16).primary(),
    members: p.integer(),
    avgSpendingFen: p.integer(),
    avgSpending365dFen: p.integer(),
    computedAt: p.datetime(),
  },
});

export type RfmThreshold = InferEntity<typeof RfmThresholdSchema>;
export type SegmentStat = InferEntity<typeof SegmentStatSchema>;
