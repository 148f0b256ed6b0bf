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

/**
 * Per segment: member count, spending sums and their averages as of the last run, so GET …/segment reads
 * six rows. A full run rewrites them; an incremental run (and POST …/tags) adds the difference its
 * members made, so the sums are kept to derive the averages from.
 */
export const SegmentStatSchema = defineEntity({
  name: 'SegmentStat',
  tableName: 'segment_stats',
  properties: {
    /** One of CUSTOMER_SEGMENTS. */
    segment: p.string().length(16).primary(),
    members: p.integer(),
    avgSpendingFen: p.integer(),
    avgSpending365dFen: p.integer(),
    /** Sum of the members' avg_spending_fen. */
    spendingSumFen: p.bigint('number').default(0),
    /** Sum of the members' spending_365d_fen. */
    spending365dSumFen: p.bigint('number').default(0),
    computedAt: p.datetime(),
  },
});

export type RfmThreshold = InferEntity<typeof RfmThresholdSchema>;
export type SegmentStat = InferEntity<typeof SegmentStatSchema>;
