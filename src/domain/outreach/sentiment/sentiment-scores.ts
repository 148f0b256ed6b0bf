import type { SentimentScores } from '../customer-feedback.entity.js';

export type SentimentLabel = 'positive' | 'negative' | 'neutral';

/** Strength at which half the mass leaves "neutral": one mild word (有点贵) already tips the label. */
const HALF_STRENGTH = 0.5;
const SMOOTHING = 0.03;

/**
 * Turns summed positive and negative evidence into {positive, negative, neutral} that sum to exactly 1
 * (two decimals): the more evidence, the less neutral; the polar mass is split by the evidence ratio.
 */
export function toScores(positive: number, negative: number): SentimentScores {
  const total = positive + negative;
  const strength = total / (total + HALF_STRENGTH);
  const raw = {
    positive: total === 0 ? 0 : (strength * positive) / total,
    negative: total === 0 ? 0 : (strength * negative) / total,
    neutral: 1 - strength,
  };
  return normaliseScores({
    positive: raw.positive + SMOOTHING,
    negative: raw.negative + SMOOTHING,
    neutral: raw.neutral + SMOOTHING,
  });
}

/** Rescales non-negative scores to sum to 1 with two decimals; the rounding remainder goes to the largest. */
export function normaliseScores(s: SentimentScores): SentimentScores {
  const sum = s.positive + s.negative + s.neutral;
  const keys = ['positive', 'negative', 'neutral'] as const;
  const cents = Object.fromEntries(keys.map((k) => [k, Math.round(((sum > 0 ? s[k] / sum : 1 / 3) * 100))])) as Record<(typeof keys)[number], number>;
  const largest = keys.reduce((a, b) => (cents[b] > cents[a] ? b : a));
  cents[largest] += 100 - (cents.positive + cents.negative + cents.neutral);
  return { positive: cents.positive / 100, negative: cents.negative / 100, neutral: cents.neutral / 100 };
}

/** The strongest of the three; a tie is neutral. */
export function labelOf(s: SentimentScores): SentimentLabel {
  if (s.positive > s.negative && s.positive > s.neutral) return 'positive';
  if (s.negative > s.positive && s.negative > s.neutral) return 'negative';
  return 'neutral';
}
