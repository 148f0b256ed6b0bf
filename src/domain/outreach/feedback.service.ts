import { transactionNotices } from '../notifications/notices.js';
import type { EntityManager } from '@mikro-orm/core';
import { recordAudit } from '../audit/audit.service.js';
import type { AuditChannel } from '../audit/audit-log.entity.js';
import type { Clock } from '../ports/clock.port.js';
import type { LanguageModel } from '../ports/language-model.port.js';
import type { Notifier } from '../ports/notifier.port.js';
import { localParts } from '../shared/business-time.js';
import { maskPhone } from '../shared/phone.js';
import { createTodo } from '../todos/todo.service.js';
import { customerNumbers } from '../customers/customer-mobile.js';
import type { TaskPriority } from '../todos/follow-up-task.entity.js';
import { CustomerFeedbackSchema, type FeedbackType, type SentimentScores } from './customer-feedback.entity.js';
import { requireCustomer } from './outreach-customer.js';
import { extractTags } from './sentiment/feedback-tags.js';
import { analyseSentiment } from './sentiment/lexicon-sentiment.js';
import { modelSentiment } from './sentiment/model-sentiment.js';
import { labelOf, type SentimentLabel } from './sentiment/sentiment-scores.js';

export type FeedbackDeps = { model: LanguageModel | undefined; notifier: Notifier; clock: Clock; timeZone: string };

export type NewFeedback = { customerId: string; contactId: string; type: FeedbackType; rating?: number; content: string };

export type RecordedFeedback = {
  id: number;
  customerId: string;
  contactId: string;
  type: FeedbackType;
  rating: number | null;
  sentiment: SentimentScores;
  sentimentLabel: SentimentLabel;
  sentimentSource: 'model' | 'lexicon';
  tags: string[];
  followUpRequired: boolean;
  followUpTask: { id: number; priority: TaskPriority; dueAt: string; assignedTo: number | null } | null;
  notified: boolean;
};

const HOUR = 3600_000;
/** A rating this low needs a call back even when the words are polite. */
const LOW_RATING = 2;

/**
 * Seed §2.5 / §5.4: records feedback with its sentiment (the model when configured and its JSON is
 * valid, else the lexicon analyser) and topic tags. A complaint becomes an urgent task due within 24 h
 * for the customer's owner; other negative feedback (or a rating of 1–2) a high-priority task due within
 * 48 h. The owner's card is queued in the same transaction as the row and the task. Both doors record feedback
 * here: staff through the API (`actor.staffId`) and customers through the mini-program (staffId null).
 */
export async function recordFeedback(em: EntityManager, deps: FeedbackDeps, input: NewFeedback, actor: { staffId: number | null; channel: AuditChannel; requestId?: string }): Promise<RecordedFeedback> {
  const customer = await requireCustomer(em, input.customerId);
  const now = deps.clock.now();
  const fromModel = deps.model ? await modelSentiment(deps.model, input.content) : undefined;
  const sentiment = fromModel?.ok ? fromModel.scores : analyseSentiment(input.content).scores;
  const label = labelOf(sentiment);
  const tags = extractTags(input.content);
  const lowRating = input.rating !== undefined && input.rating <= LOW_RATING;
  const followUpRequired = input.type === 'complaint' || label === 'negative' || lowRating;

  const urgent = input.type === 'complaint';
  const dueAt = new Date(now.getTime() + (urgent ? 24 : 48) * HOUR);
  const phone = (await customerNumbers(em, [customer])).get(customer.id);
  const notices = transactionNotices(deps.notifier);
  // The feedback row, its task, the audit entry and the assignee's card (outbox) commit together.
  const { feedback, todo } = await em.transactional(async (tx) => {
    const feedback = tx.create(CustomerFeedbackSchema, {
      customer: customer.id,
      contactId: input.contactId,
      type: input.type,
      rating: input.rating ?? null,
      content: input.content,
      sentiment,
      tags,
      followUpRequired,
      createdAt: now,
    });
    await tx.flush();
    const todo = followUpRequired
      ? createTodo(tx, {
          title: `${urgent ? '投诉跟进' : '负面反馈跟进'}：${customer.name}`,
          customerId: customer.id,
          assignedTo: customer.ownerStaff ?? null,
          reason: urgent ? 'complaint' : 'negative_feedback',
          source: 'feedback',
          relatedRecordId: `feedback:${feedback.id}`,
          priority: urgent ? 'urgent' : 'high',
          dueAt,
          dueDate: localParts(dueAt, deps.timeZone).date,
          notes: input.content.slice(0, 1000),
        })
      : null;
    if (todo) {
      await tx.flush();
      feedback.followUpTask = todo.id;
    }
    recordAudit(tx, { actorStaffId: actor.staffId, action: 'feedback.record', targetType: 'customer_feedback', targetId: feedback.id, channel: actor.channel, requestId: actor.requestId, details: { type: input.type, sentiment: label, followUpRequired } });
    if (todo?.assignedTo) {
      const due = localParts(dueAt, deps.timeZone);
      await notices.add(tx, { staffId: todo.assignedTo, notification: {
        kind: 'todo',
        todoId: todo.id,
        title: `${urgent ? `【紧急】客户投诉需24小时内跟进：${customer.name}` : `客户负面反馈需跟进：${customer.name}`}${actor.channel === 'miniapp' ? '（来自小程序）' : ''}`,
        dueAt,
        lines: [
          ['客户', customer.name],
          ['电话', phone ? maskPhone(phone) : '无'],
          ['反馈', input.content.slice(0, 200)],
          ['标签', tags.join('、') || '无'],
          ['截止', `${due.date} ${due.hhmm}`],
        ],
      } });
    }
    return { feedback, todo };
  });
  const notified = await notices.afterCommit();
  const task: RecordedFeedback['followUpTask'] = todo ? { id: todo.id, priority: todo.priority, dueAt: dueAt.toISOString(), assignedTo: todo.assignedTo ?? null } : null;

  return {
    id: feedback.id,
    customerId: customer.id,
    contactId: input.contactId,
    type: input.type,
    rating: input.rating ?? null,
    sentiment,
    sentimentLabel: label,
    sentimentSource: fromModel?.ok ? 'model' : 'lexicon',
    tags,
    followUpRequired,
    followUpTask: task,
    notified,
  };
}
