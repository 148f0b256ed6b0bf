import { z } from 'zod';
import { FEEDBACK_TYPES } from '../../../domain/outreach/customer-feedback.entity.js';
import { recordFeedback, type FeedbackDeps } from '../../../domain/outreach/feedback.service.js';
import { TASK_PRIORITIES } from '../../../domain/todos/follow-up-task.entity.js';
import { reply, route, routes } from '../../http/route.js';

export const feedbackBody = z.object({
  customerId: z.string().trim().min(1).max(64),
  contactId: z.string().trim().min(1).max(50),
  type: z.enum(FEEDBACK_TYPES),
  rating: z.number().int().min(1).max(5).optional(),
  content: z.string().trim().min(1).max(2000),
});
const share = z.number().min(0).max(1);
export const recordedFeedback = z.object({
  id: z.number().int(),
  customerId: z.string(),
  contactId: z.string(),
  type: z.enum(FEEDBACK_TYPES),
  rating: z.number().int().nullable(),
  sentiment: z.object({ positive: share, negative: share, neutral: share }),
  sentimentLabel: z.enum(['positive', 'negative', 'neutral']),
  sentimentSource: z.enum(['model', 'lexicon']),
  tags: z.array(z.string()),
  followUpRequired: z.boolean(),
  followUpTask: z.object({ id: z.number().int(), priority: z.enum(TASK_PRIORITIES), dueAt: z.iso.datetime(), assignedTo: z.number().int().nullable() }).nullable(),
  notified: z.boolean(),
});

/** POST /api/ai-ops/outreach/feedback (seed §5.4): sentiment, tags and the follow-up rules. */
export function feedbackRoutes(deps: FeedbackDeps) {
  return routes(
    route({
      method: 'post',
      path: '/api/ai-ops/outreach/feedback',
      summary: '记录客户反馈：情感、标签、需要时生成跟进任务',
      tags: ['outreach'],
      permissions: ['outreach:feedback:write'],
      body: feedbackBody,
      responses: { 201: { description: '已记录的反馈', schema: recordedFeedback } },
      errors: ['CUSTOMER_NOT_FOUND'],
      handler: async (ctx, { body }) =>
        reply(201, await recordFeedback(ctx.state.em, deps, body, { staffId: ctx.state.staff!.id, channel: 'api', requestId: ctx.state.requestId })),
    }),
  );
}
