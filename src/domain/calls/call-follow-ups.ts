import { randomBytes } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/core';
import { CustomerCommunicationSchema, type SENTIMENTS } from '../customers/customer-communication.entity.js';
import type { Customer } from '../customers/customer.entity.js';
import { customerStanding } from '../customers/customer-standing.js';
import type { Notice } from '../notifications/notices.js';
import { loadRoutingInput } from '../routing/routing-context.js';
import { dutyPeopleAt } from '../routing/routing-policy.js';
import { localParts } from '../shared/business-time.js';
import { maskPhone } from '../shared/phone.js';
import { createTodo } from '../todos/todo.service.js';
import type { AnalysedCall, AnalysisFollowUp } from './call-analysis.service.js';
import type { CallInsights } from './call-insights.js';
import { customerNumber } from './call-party.js';
import type { Call } from './call.entity.js';
import { followUpDeadline, nextWorkingMorning } from './deadlines.js';

/** The follow-ups of an analysed 400 or outreach call (the task calls' follow-up is their lead, in call-tasks). */
export type FollowUpDeps = { timeZone: string };

/**
 * Item 7, after a 400 or outreach call's analysis: a customer communication record, the customer's last
 * contact, a follow-up todo due by intent and the assignee's card.
 */
export function callFollowUp(deps: FollowUpDeps): AnalysisFollowUp {
  return async (em, { call, customer, transcript, insights }) => {
    const i = insights!;
    const at = call.startedAt;
    const assignee = customer?.ownerStaff ?? call.answeredBy ?? null;
    const deadline = followUpDeadline(i.intent, call.endedAt ?? at);
    const vip = customer ? ((await customerStanding(em, customer.id))?.isVip ?? false) : false;
    const urgency = i.intent === '投诉' || vip || i.sentiment === 'NEGATIVE' ? 'high' : 'medium';
    const comm = writeCommunication(em, call, customer, transcript, i, { urgency, assignee, deadline, direction: call.direction });
    if (customer) {
      customer.lastContactAt = call.endedAt ?? at;
      customer.lastContactType = 'phone';
    }
    const who = customer?.companyName ?? customer?.name ?? maskPhone(customerNumber(call));
    const todo = createTodo(em, {
      title: `跟进客户：${who} - ${i.followUps[0] ?? i.intentDetail ?? i.intent}`,
      customerId: customer?.id ?? null,
      assignedTo: assignee,
      reason: `call_${i.intent}`,
      source: '400_phone',
      relatedRecordId: comm.recordId,
      priority: urgency,
      dueAt: deadline,
      dueDate: localParts(deadline, deps.timeZone).date,
      notes: i.summary,
    });
    await em.flush();
    if (!assignee) return [];
    const due = localParts(deadline, deps.timeZone);
    return [{
      staffId: assignee,
      notification: {
        kind: 'todo',
        todoId: todo.id,
        title: `📞 通话记录已保存 - ${who}`,
        dueAt: deadline,
        lines: [
          ['通话时长', `${call.duration}秒`],
          ['客户意图', `${i.intent}${i.intentDetail ? ` (${i.intentDetail})` : ''}`],
          ['摘要', i.summary.slice(0, 200)],
          ['跟进事项', i.followUps.join('；') || '无'],
          ['跟进期限', `${due.date} ${due.hhmm}`],
        ],
      },
    }];
  };
}

const URGENT_WORDS = ['紧急', '投诉', '马上', '尽快', '急'];

/** Voicemail urgency (seed calculate_urgency): VIP, negative sentiment or urgent words → high. */
export function voicemailUrgency(input: { vip: boolean; sentiment: CallInsights['sentiment'] | null; transcript: string }): 'high' | 'medium' | 'low' {
  if (input.vip || input.sentiment === 'NEGATIVE' || URGENT_WORDS.some((w) => input.transcript.includes(w))) return 'high';
  return input.sentiment === 'POSITIVE' ? 'low' : 'medium';
}

/**
 * Item 8, after a voicemail's analysis (with or without the model's insights): high urgency (VIP,
 * negative, 紧急/投诉) notifies the duty person at once, otherwise a todo is due the next working day at
 * opening time (09:00).
 */
export function voicemailFollowUp(deps: FollowUpDeps): AnalysisFollowUp {
  return async (em, analysed: AnalysedCall): Promise<Notice[]> => {
    const { call, customer, transcript, insights: i } = analysed;
    const vip = customer ? ((await customerStanding(em, customer.id))?.isVip ?? false) : false;
    const level = voicemailUrgency({ vip, sentiment: i?.sentiment ?? null, transcript });
    const now = call.endedAt ?? call.startedAt;
    const routing = await loadRoutingInput(em, { now, timeZone: deps.timeZone, ownerStaffId: null, voicemailMaxSeconds: 0 });
    const duty = dutyPeopleAt(routing).people[0]?.id ?? null;
    const assignee = level === 'high' ? (duty ?? customer?.ownerStaff ?? null) : (customer?.ownerStaff ?? duty);
    const due = level === 'high' ? new Date(now.getTime() + 3_600_000) : nextWorkingMorning(now, deps.timeZone, routing.rules.workHours, routing.holidays);
    const summary = i?.summary ?? transcript.slice(0, 200);
    const comm = writeCommunication(em, call, customer, transcript, i, { urgency: level, assignee, deadline: due, direction: 'inbound' });
    createTodo(em, {
      title: `处理语音留言：${customer?.companyName ?? maskPhone(customerNumber(call))}`,
      customerId: customer?.id ?? null,
      assignedTo: assignee,
      reason: 'voicemail',
      source: '400_phone',
      // The call's uuid, like the card buttons and the missed-call todo: 已处理/指派 find it by that.
      relatedRecordId: call.uuid,
      priority: level === 'high' ? 'urgent' : level,
      dueAt: due,
      dueDate: localParts(due, deps.timeZone).date,
      notes: summary,
    });
    await em.flush();
    if (level !== 'high' || !assignee) return [];
    return [{
      staffId: assignee,
      notification: {
        kind: 'voicemail',
        voicemailId: comm.recordId,
        title: `🚨 紧急语音留言 - ${customer?.companyName ?? maskPhone(customerNumber(call))}`,
        summary,
        urgency: level,
        buttons: [
          { key: `callback:voicemail:${call.uuid}`, text: '回拨' },
          { key: `assign:voicemail:${call.uuid}`, text: '指派' },
          { key: `handled:voicemail:${call.uuid}`, text: '已处理' },
        ],
      },
    }];
  };
}

function writeCommunication(
  em: EntityManager,
  call: Call,
  customer: Customer | null,
  transcript: string,
  i: CallInsights | null,
  extra: { urgency: 'high' | 'medium' | 'low'; assignee: number | null; deadline: Date; direction: 'inbound' | 'outbound' },
) {
  const recordId = `COMM-${call.startedAt.toISOString().slice(0, 10).replaceAll('-', '')}-${randomBytes(4).toString('hex')}`;
  return em.create(CustomerCommunicationSchema, {
    recordId,
    customer: customer?.id ?? null,
    communicationType: 'phone',
    direction: extra.direction,
    channel: call.voicemail ? '400电话留言' : '400电话',
    communicationTime: call.startedAt,
    duration: call.duration,
    summary: i?.summary ?? null,
    content: transcript,
    recordingUrl: `/api/calls/${call.id}/recording`,
    intentCategory: i?.intent ?? null,
    intentDetail: i?.intentDetail?.slice(0, 128) || null,
    productsMentioned: i?.products ?? null,
    priceDiscussedFen: i?.price == null ? null : Math.round(i.price * 100),
    quantityDiscussed: i?.quantity ?? null,
    followUpRequired: true,
    followUpItems: i?.followUps ?? null,
    followUpDeadline: extra.deadline,
    // Seed 003 spells the communication's sentiment in lower case.
    sentiment: i ? (i.sentiment.toLowerCase() as (typeof SENTIMENTS)[number]) : null,
    urgencyLevel: extra.urgency,
    handledBy: call.answeredBy ?? null,
    assignedTo: extra.assignee,
    sourceSystem: '400_phone_system',
    sourceRecordId: call.uuid,
  });
}
