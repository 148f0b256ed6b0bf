import { defineEntity, p, type InferEntity } from '@mikro-orm/core';
import { CustomerSchema } from '../customers/customer.entity.js';
import { FollowUpTaskSchema } from '../todos/follow-up-task.entity.js';

export const FEEDBACK_TYPES = ['satisfaction', 'complaint', 'suggestion', 'inquiry'] as const;
export type FeedbackType = (typeof FEEDBACK_TYPES)[number];
export type SentimentScores = { positive: number; negative: number; neutral: number };

/**
 * Feedback a customer gave on a contact (seed 000). `contact_id` stays the seed's loose business id
 * of the contact attempt (e.g. CONTACT_001), not a foreign key.
 */
export const CustomerFeedbackSchema = defineEntity({
  name: 'CustomerFeedback',
  tableName: 'customer_feedback',
  properties: {
    id: p.integer().primary().autoincrement(),
    customer: () => p.manyToOne(CustomerSchema).ref().deleteRule('cascade'),
    contactId: p.string().length(50),
    type: p.enum([...FEEDBACK_TYPES]).index(),
    rating: p.integer().nullable(),
    content: p.text(),
    sentiment: p.json<SentimentScores>().nullable(),
    tags: p.json<string[]>().default('[]'),
    followUpRequired: p.boolean().default(false).index(),
    /** The follow-up todo this feedback created; once it is completed, the complaint is no longer pending. */
    followUpTask: () => p.manyToOne(FollowUpTaskSchema).mapToPk().joinColumn('follow_up_task_id').nullable().deleteRule('set null'),
    createdAt: p.datetime().onCreate(() => new Date()),
  },
});

export type CustomerFeedback = InferEntity<typeof CustomerFeedbackSchema>;
