import { customerNumber } from './call-party.js';
import { randomBytes } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/core';
import { CustomerCommunicationSchema } from '../customers/customer-communication.entity.js';
import { CustomerSchema, type Customer } from '../customers/customer.entity.js';
import { customerStanding } from '../customers/customer-standing.js';
import type { LanguageModel } from '../ports/language-model.port.js';
import { commitWithNotices, type Notice } from '../notifications/notices.js';
import type { Notifier } from '../ports/notifier.port.js';
import type { Transcriber } from '../ports/transcriber.port.js';
import { loadRoutingInput } from '../routing/routing-context.js';
import { dutyPeopleAt } from '../routing/routing-policy.js';
import { localParts } from '../shared/business-time.js';
import { DomainError } from '../shared/domain-error.js';
import { maskPhone } from '../shared/phone.js';
import { createTodo } from '../todos/todo.service.js';
import { extractInsights, voicemailUrgency, type CallInsights } from './call-insights.js';
import { followUpDeadline, nextWorkingMorning } from './deadlines.js';
import { CallSchema, type Call } from './call.entity.js';

export type AnalysisDeps = { em: EntityManager; transcriber: Transcriber; model: LanguageModel; notifier: Notifier; timeZone: string };

/** A failure worth another job run (the speech service timed out or is down). */
export class TransientAnalysisError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TransientAnalysisError';
  }
}

type Transcribed = { record: Call; customer: Customer | null; transcript: string };

async function transcribe(deps: AnalysisDeps, callRecordId: number): Promise<Transcribed | null> {
  const { em } = deps;
  const record = await em.findOne(CallSchema, { id: callRecordId });
  if (!record) throw new DomainError('CALL_NOT_FOUND', `通话记录 ${callRecordId} 不存在`);
  if (record.analysisStatus === 'COMPLETED') return null;
  if (!record.recordingPath) {
    await fail(em, record, 'no recording');
    return null;
  }
  record.analysisStatus = 'PROCESSING';
  await em.flush();
  const result = await deps.transcriber.transcribe({ path: record.recordingPath, language: 'zh' });
  if (!result.ok) {
    if (result.code === 'TIMEOUT' || result.code === 'UNAVAILABLE') throw new TransientAnalysisError(`transcription ${result.code}: ${result.message}`);
    await fail(em, record, `transcription ${result.code}: ${result.message}`);
    return null;
  }
  const customer = record.customer ? await em.findOne(CustomerSchema, { id: record.customer.id }) : null;
  return { record, customer, transcript: result.text };
}

async function fail(em: EntityManager, record: Call, reason: string): Promise<void> {
  record.analysisStatus = 'FAILED';
  record.analysisError = reason.slice(0, 255);
  await em.flush();
}

/**
 * Item 7: transcript → insights (strict JSON, one retry) → customer communication record → the customer's
 * last contact → a follow-up todo due by intent → the owner notified. A failure is stored on the record.
 */
export async function analyseCall(deps: AnalysisDeps, callRecordId: number): Promise<'completed' | 'failed' | 'skipped'> {
  const t = await transcribe(deps, callRecordId);
  if (!t) return (await deps.em.findOne(CallSchema, { id: callRecordId }))?.analysisStatus === 'FAILED' ? 'failed' : 'skipped';
  const { em } = deps;
  const { record, customer, transcript } = t;
  const insights = await extractInsights(deps.model, transcript);
  if (!insights.ok) {
    await fail(em, record, insights.reason);
    return 'failed';
  }
  const i = insights.insights;
  const at = record.startedAt;
  const assignee = customer?.ownerStaff ?? record.answeredBy ?? null;
  const deadline = followUpDeadline(i.intent, record.endedAt ?? at);
  const vip = customer ? ((await customerStanding(em, customer.id))?.isVip ?? false) : false;
  const urgency = i.intent === '投诉' || vip || i.sentiment === 'negative' ? 'high' : 'medium';
  const comm = writeCommunication(em, record, customer, transcript, i, { urgency, assignee, deadline, direction: record.direction });
  if (customer) {
    customer.lastContactAt = record.endedAt ?? at;
    customer.lastContactType = 'phone';
  }
  const who = customer?.companyName ?? customer?.name ?? maskPhone(customerNumber(record));
  // The follow-up todo, the analysis result and the assignee's card commit together.
  return commitWithNotices(em, deps.notifier, async () => {
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
    record.analysisStatus = 'COMPLETED';
    record.analysisError = null;
    await em.flush();
    if (!assignee) return { result: 'completed' as const, notices: [] };
    const card: Notice = {
      staffId: assignee,
      notification: {
        kind: 'todo',
        todoId: todo.id,
        title: `📞 通话记录已保存 - ${who}`,
        dueAt: deadline,
        lines: [
          ['通话时长', `${record.duration}秒`],
          ['客户意图', `${i.intent}${i.intentDetail ? ` (${i.intentDetail})` : ''}`],
          ['摘要', i.summary.slice(0, 200)],
          ['跟进事项', i.followUps.join('；') || '无'],
          ['跟进期限', `${localParts(deadline, deps.timeZone).date} ${localParts(deadline, deps.timeZone).hhmm}`],
        ],
      },
    };
    return { result: 'completed' as const, notices: [card] };
  });
}

/**
 * Item 8: a voicemail is transcribed and judged; high urgency (VIP, negative, 紧急/投诉) notifies the duty
 * person at once, otherwise a todo is due the next working day at opening time (09:00).
 */
export async function processVoicemail(deps: AnalysisDeps, callRecordId: number): Promise<'high' | 'medium' | 'low' | 'failed' | 'skipped'> {
  const t = await transcribe(deps, callRecordId);
  if (!t) return (await deps.em.findOne(CallSchema, { id: callRecordId }))?.analysisStatus === 'FAILED' ? 'failed' : 'skipped';
  const { em } = deps;
  const { record, customer, transcript } = t;
  const insights = await extractInsights(deps.model, transcript);
  const i = insights.ok ? insights.insights : null;
  const vip = customer ? ((await customerStanding(em, customer.id))?.isVip ?? false) : false;
  const urgency = voicemailUrgency({ vip, sentiment: i?.sentiment ?? null, transcript });
  const now = record.endedAt ?? record.startedAt;
  const routing = await loadRoutingInput(em, { now, timeZone: deps.timeZone, ownerStaffId: null, voicemailMaxSeconds: 0 });
  const duty = dutyPeopleAt(routing).people[0]?.id ?? null;
  const assignee = urgency === 'high' ? (duty ?? customer?.ownerStaff ?? null) : (customer?.ownerStaff ?? duty);
  const due = urgency === 'high' ? new Date(now.getTime() + 3_600_000) : nextWorkingMorning(now, deps.timeZone, routing.rules.workHours, routing.holidays);
  const summary = i?.summary ?? transcript.slice(0, 200);
  // The voicemail's todo, its transcript and the urgent card commit together.
  return commitWithNotices(em, deps.notifier, async () => {
    const comm = writeCommunication(em, record, customer, transcript, i, { urgency, assignee, deadline: due, direction: 'inbound' });
    createTodo(em, {
      title: `处理语音留言：${customer?.companyName ?? maskPhone(customerNumber(record))}`,
      customerId: customer?.id ?? null,
      assignedTo: assignee,
      reason: 'voicemail',
      source: '400_phone',
      // The call's uuid, like the card buttons and the missed-call todo: 已处理/指派 find it by that.
      relatedRecordId: record.uuid,
      priority: urgency === 'high' ? 'urgent' : urgency,
      dueAt: due,
      dueDate: localParts(due, deps.timeZone).date,
      notes: summary,
    });
    record.analysisStatus = 'COMPLETED';
    record.analysisError = i ? null : insights.ok ? null : insights.reason;
    await em.flush();
    if (urgency !== 'high' || !assignee) return { result: urgency, notices: [] };
    const card: Notice = {
      staffId: assignee,
      notification: {
        kind: 'voicemail',
        voicemailId: comm.recordId,
        title: `🚨 紧急语音留言 - ${customer?.companyName ?? maskPhone(customerNumber(record))}`,
        summary,
        urgency,
        buttons: [
          { key: `callback:voicemail:${record.uuid}`, text: '回拨' },
          { key: `assign:voicemail:${record.uuid}`, text: '指派' },
          { key: `handled:voicemail:${record.uuid}`, text: '已处理' },
        ],
      },
    };
    return { result: urgency, notices: [card] };
  });
}

function writeCommunication(
  em: EntityManager,
  record: Call,
  customer: Customer | null,
  transcript: string,
  i: CallInsights | null,
  extra: { urgency: 'high' | 'medium' | 'low'; assignee: number | null; deadline: Date; direction: 'inbound' | 'outbound' },
) {
  const recordId = `COMM-${record.startedAt.toISOString().slice(0, 10).replaceAll('-', '')}-${randomBytes(4).toString('hex')}`;
  return em.create(CustomerCommunicationSchema, {
    recordId,
    customer: customer?.id ?? null,
    communicationType: 'phone',
    direction: extra.direction,
    channel: record.voicemail ? '400电话留言' : '400电话',
    communicationTime: record.startedAt,
    duration: record.duration,
    summary: i?.summary ?? null,
    content: transcript,
    recordingUrl: `/api/calls/${record.id}/recording`,
    intentCategory: i?.intent ?? null,
    intentDetail: i?.intentDetail?.slice(0, 128) || null,
    productsMentioned: i?.products ?? null,
    priceDiscussedFen: i?.price == null ? null : Math.round(i.price * 100),
    quantityDiscussed: i?.quantity ?? null,
    followUpRequired: true,
    followUpItems: i?.followUps ?? null,
    followUpDeadline: extra.deadline,
    sentiment: i?.sentiment ?? null,
    urgencyLevel: extra.urgency,
    handledBy: record.answeredBy ?? null,
    assignedTo: extra.assignee,
    sourceSystem: '400_phone_system',
    sourceRecordId: record.uuid,
  });
}
