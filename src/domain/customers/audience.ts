import { z } from 'zod';
import { CUSTOMER_SEGMENTS, type CustomerSegment } from '../shared/vocabulary.js';
import { SEGMENT_NAMES } from './segment-names.js';
import { TAGS } from './tag-rules.js';

/**
 * An audience by segment and tag (issue 10 §3): who an SMS batch, a batch of invitations or a campaign
 * goes to. Matching criteria all hold together: one of the RFM segments, one of the computed tags, and/or
 * a visit within the last N days. The customers module resolves it (audience.query.ts).
 */
export type AudienceFilter = { segments?: CustomerSegment[]; tags?: string[]; lastVisitDays?: number };

/** One segment id, an unknown one named in Chinese. */
export const segmentValue = z.enum(CUSTOMER_SEGMENTS, { error: (iss) => `未知的客户分层「${String(iss.input)}」，可选：${CUSTOMER_SEGMENTS.join('、')}` });
const tagValue = z.enum(TAGS as [string, ...string[]], { error: (iss) => `未知的会员标签「${String(iss.input)}」，见 POST /api/ai-ops/customer/tags` });

/** The fields every audience door takes (the campaign door requires one segment and keeps the rest). */
export const audienceFields = {
  segment: z.union([segmentValue, z.array(segmentValue).min(1).max(CUSTOMER_SEGMENTS.length)]).optional().meta({ description: '客户分层（一个或多个，任一即可）' }),
  tags: z.array(tagValue).min(1).max(TAGS.length).optional().meta({ description: '会员标签（任一即可），见 POST /api/ai-ops/customer/tags' }),
  lastVisitDays: z.number().int().min(1).max(3650).optional().meta({ description: '最近 N 天内到访' }),
};

/**
 * An audience filter as a door takes it. It must name at least one known criterion (issue 8 §3): `{}` or
 * `{"$gt": ""}` would select every customer; an unknown segment or tag is a 422 naming it, every bad
 * field at once.
 */
export const audienceFilter = z
  .strictObject(audienceFields)
  .refine((f) => f.segment !== undefined || f.tags !== undefined || f.lastVisitDays !== undefined, '请至少给出一个筛选条件：segment、tags 或 lastVisitDays')
  .meta({ description: '受众筛选：客户分层、会员标签，和/或最近 N 天内到访；至少一个条件，多个条件同时满足' });

export type AudienceFilterInput = { segment?: CustomerSegment | CustomerSegment[]; tags?: string[]; lastVisitDays?: number };

/** The filter as the resolution reads it (segments always a list; absent criteria left out). */
export function toAudience(input: AudienceFilterInput): AudienceFilter {
  return {
    ...(input.segment === undefined ? {} : { segments: [input.segment].flat() }),
    ...(input.tags === undefined ? {} : { tags: input.tags }),
    ...(input.lastVisitDays === undefined ? {} : { lastVisitDays: input.lastVisitDays }),
  };
}

/** The audience in staff words, for approval cards and answers: 忠诚客户 · 标签 beer_lover/wine_lover · 近30天到访. */
export function audienceText(filter: AudienceFilter): string {
  const parts: string[] = [];
  if (filter.segments?.length) parts.push(filter.segments.map((s) => SEGMENT_NAMES[s]).join('/'));
  if (filter.tags?.length) parts.push(`标签 ${filter.tags.join('/')}`);
  if (filter.lastVisitDays) parts.push(`近${filter.lastVisitDays}天到访`);
  return parts.join(' · ');
}
