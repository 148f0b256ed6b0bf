import type { CustomerSegment } from '../shared/vocabulary.js';

/** Days of history behind F, M, favourite categories, time slots and the RFM population. */
export const RFM_WINDOW_DAYS = 365;
/** visit_frequency is the number of visits in this many days (seed 001: 近90天). */
export const FREQUENCY_WINDOW_DAYS = 90;
/** The usual interval assumed for a member with fewer than two visits. */
export const DEFAULT_INTERVAL_DAYS = 30;
/** A category or time slot is a favourite when at least this share of the window's visits has it. */
export const FAVOURITE_SHARE = 0.3;

/**
 * Churn risk 0-1 from recency against the member's own rhythm: with `I` the usual days between visits
 * ((last − first) / (visits − 1), or 30 days with fewer than two visits, never below 1) and `d` the days
 * since the last visit (since joining without one), risk = clamp((d − I) / (2·I), 0, 1): 0 while the
 * member is within their usual interval, 0.5 at twice it, 1 from three times it. Two decimals.
 */
export function churnRisk(recencyDays: number, usualIntervalDays: number | null): number {
  const interval = Math.max(1, usualIntervalDays ?? DEFAULT_INTERVAL_DAYS);
  const risk = Math.min(1, Math.max(0, (recencyDays - interval) / (2 * interval)));
  return Math.round(risk * 100) / 100;
}

/** The usual interval in days, or null with fewer than two visits. */
export function usualInterval(visits: number, firstAt: Date | null, lastAt: Date | null): number | null {
  if (visits < 2 || !firstAt || !lastAt) return null;
  return (lastAt.getTime() - firstAt.getTime()) / 86_400_000 / (visits - 1);
}

/** The 20/40/60/80th percentile cut points of a dimension over the active members. */
export type Cuts = { p20: number; p40: number; p60: number; p80: number };

/** 1-based positions of the cut points in n sorted values: ceil(n·q). */
export function cutPositions(n: number): [number, number, number, number] {
  return [0.2, 0.4, 0.6, 0.8].map((q) => Math.max(1, Math.ceil(n * q))) as [number, number, number, number];
}

/** F and M: 1 + the number of cut points the value is above (ties score alike). */
export function scoreHigherBetter(value: number, c: Cuts): number {
  return 1 + Number(value > c.p20) + Number(value > c.p40) + Number(value > c.p60) + Number(value > c.p80);
}

/** R on days since the last visit: 5 − the number of cut points the days are above. */
export function scoreLowerBetter(days: number, c: Cuts): number {
  return 5 - Number(days > c.p20) - Number(days > c.p40) - Number(days > c.p60) - Number(days > c.p80);
}

export type SegmentRuleData = {
  segment: CustomerSegment;
  priority: number;
  rMin: number;
  rMax: number;
  fMin: number;
  fMax: number;
  mMin: number;
  mMax: number;
  firstVisitWithinDays: number | null;
};

/** The first rule by priority whose ranges hold (and, for `new`, whose first-visit age holds). */
export function segmentFor(scores: { r: number; f: number; m: number; daysSinceFirst: number }, rules: SegmentRuleData[]): CustomerSegment | null {
  const inRange = (v: number, lo: number, hi: number) => v >= lo && v <= hi;
  for (const rule of [...rules].sort((a, b) => a.priority - b.priority)) {
    if (!inRange(scores.r, rule.rMin, rule.rMax) || !inRange(scores.f, rule.fMin, rule.fMax) || !inRange(scores.m, rule.mMin, rule.mMax)) continue;
    if (rule.firstVisitWithinDays !== null && scores.daysSinceFirst > rule.firstVisitWithinDays) continue;
    return rule.segment;
  }
  return null;
}

/** A rule as staff read it, e.g. `R≥4 且 F≥4 且 M≥4`. */
export function ruleText(rule: SegmentRuleData): string {
  const range = (name: string, lo: number, hi: number) => (lo <= 1 && hi >= 5 ? null : lo === hi ? `${name}=${lo}` : hi >= 5 ? `${name}≥${lo}` : lo <= 1 ? `${name}≤${hi}` : `${name} ${lo}–${hi}`);
  const parts = [range('R', rule.rMin, rule.rMax), range('F', rule.fMin, rule.fMax), range('M', rule.mMin, rule.mMax)].filter(Boolean) as string[];
  if (rule.firstVisitWithinDays !== null) parts.unshift(`首次到店（无到店则入会）在${rule.firstVisitWithinDays}天内`);
  return parts.length ? parts.join(' 且 ') : '其余会员';
}
