import { randomBytes } from 'node:crypto';
import { raw, type EntityManager } from '@mikro-orm/core';
import { CallAnalysisSchema } from '../calls/call-analysis.entity.js';
import type { AnalysisFollowUp } from '../calls/call-analysis.service.js';
import { CallSchema, type Call } from '../calls/call.entity.js';
import { CustomerContactSchema } from '../customers/customer-contact.entity.js';
import { CustomerSchema } from '../customers/customer.entity.js';
import { resolvePhone } from '../customers/phone-resolution.js';
import { commitWithNotices, type Notice } from '../notifications/notices.js';
import type { Notifier } from '../ports/notifier.port.js';
import { localParts } from '../shared/business-time.js';
import { maskPhone, normalizePhone } from '../shared/phone.js';
import { createTodo } from '../todos/todo.service.js';
import { CallTaskPhoneSchema } from './call-task-phone.entity.js';
import { CallTaskSchema, type CallTask } from './call-task.entity.js';

export type LeadDeps = { em: EntityManager; notifier: Notifier; timeZone: string; now: Date };

export type LeadReason = 'key_1' | 'high_intention';

/** A hot lead is called back within this long. */
const FOLLOW_UP_MS = 2 * 3_600_000;

/**
 * The owner of a task's lead: the task's creator; when the task names its sales staff, round-robin among
 * them (the n-th such lead of the task goes to the n-th of them by id, and so on round). The turn is an
 * atomic increment of the task's `lead_turns` read back in the lead's transaction, so two leads made at the
 * same moment (two after-call jobs) get consecutive turns, not the same person. A key-1 lead goes to the
 * person who took the transfer and takes no turn.
 */
async function leadOwner(em: EntityManager, task: CallTask): Promise<number | null> {
  const sales = [...task.salesStaffIds].sort((a, b) => a - b);
  if (sales.length === 0) return task.createdBy ?? null;
  // `em` is inside the lead's transaction (commitWithNotices): the increment holds the task row until it commits.
  await em.nativeUpdate(CallTaskSchema, { id: task.id }, { leadTurns: raw('lead_turns + 1') });
  const turn = (await em.findOneOrFail(CallTaskSchema, { id: task.id }, { refresh: true })).leadTurns;
  return sales[(turn - 1) % sales.length]!;
}

/**
 * An answered task call made its number a lead (key 1 in robot mode, or a high-intention analysis): exactly
 * once per number (the number's `intended` flag is set by a conditional update; `intendedCustomers` counts
 * it) the callee becomes a customer with a contact if nobody has the number yet (by the customers module's
 * one phone rule), owned by the task's owner of leads; that person gets a follow-up todo and a WeCom card
 * with the summary and 回拨. Returns whether this call made the lead.
 */
export async function makeTaskLead(deps: LeadDeps, callRecordId: number, reason: LeadReason): Promise<boolean> {
  const { em } = deps;
  const call = await em.findOne(CallSchema, { id: callRecordId });
  if (!call?.task || !call.taskPhone) return false;
  // The lead (number marked intended), its todo and the owner's card commit together.
  return commitWithNotices(em, deps.notifier, () => leadOf(em, deps, call, reason));
}

/**
 * The follow-up of a task call's analysis: a high-intention call makes its number a lead (makeTaskLead's
 * rules), in the analysis's transaction; `made()` is told when it did.
 */
export function highIntentionLead(deps: { timeZone: string; now(): Date }, made: () => void): AnalysisFollowUp {
  return async (tx, { call, insights }) => {
    if (insights?.intention !== '高意向' || !call.task || !call.taskPhone) return [];
    const lead = await leadOf(tx, { timeZone: deps.timeZone, now: deps.now() }, call, 'high_intention');
    if (lead.result) made();
    return lead.notices;
  };
}

/** The lead's rows and the owner's card, written through `em` inside the caller's transaction. */
async function leadOf(em: EntityManager, deps: Omit<LeadDeps, 'em' | 'notifier'>, call: Call, reason: LeadReason): Promise<{ result: boolean; notices: Notice[] }> {
  const task = await em.findOne(CallTaskSchema, { id: call.task! });
  if (!task) return { result: false, notices: [] };
  const won = await em.nativeUpdate(CallTaskPhoneSchema, { id: call.taskPhone, intended: false }, { intended: true });
  if (won !== 1) return { result: false, notices: [] };
  const owner = reason === 'key_1' && call.answeredBy ? call.answeredBy : await leadOwner(em, task);
  const analysis = await em.findOne(CallAnalysisSchema, { call: call.id });
  const customerId = await customerFor(em, call, task, owner);
  call.customer = customerId ? em.getReference(CustomerSchema, customerId, { wrapped: true }) : null;
  const due = new Date(deps.now.getTime() + FOLLOW_UP_MS);
  const why = reason === 'key_1' ? '机器人外呼中按 1 要求转接' : `通话分析为${analysis?.intention ?? '高意向'}`;
  const summary = analysis?.summary ?? (reason === 'key_1' ? '客户在机器人外呼中按 1，希望了解详情。' : '');
  const todo = createTodo(em, {
    title: `外呼意向客户回访：${maskPhone(call.callee)}（${task.name}）`,
    customerId,
    assignedTo: owner,
    reason: `call_task_${reason}`,
    source: 'call_task',
    relatedRecordId: call.uuid,
    priority: 'high',
    dueAt: due,
    dueDate: localParts(due, deps.timeZone).date,
    notes: [why, summary].filter(Boolean).join('\n'),
  });
  await em.flush();
  if (!owner) return { result: true, notices: [] };
  const card: Notice = {
    staffId: owner,
    notification: {
      kind: 'screen_pop',
      callId: call.uuid,
      title: `🔥 外呼意向客户 - ${task.name}`,
      lines: [
        ['📞 客户号码', maskPhone(call.callee)],
        ['🎯 意向', why],
        ...(analysis?.intentionScore != null ? [['📈 意向分数', Number(analysis.intentionScore).toFixed(2)] as [string, string]] : []),
        ['📝 摘要', summary.slice(0, 300) || '无'],
        ...(analysis?.keywords.length ? [['🔑 关键词', analysis.keywords.join('、')] as [string, string]] : []),
        ['⏰ 跟进期限', `${localParts(due, deps.timeZone).date} ${localParts(due, deps.timeZone).hhmm}`],
        ['📌 待办', `#${todo.id}`],
      ],
      urgency: 'high',
      buttons: [
        { key: `callback:call:${call.uuid}`, text: '回拨' },
        { key: `handled:call:${call.uuid}`, text: '已处理' },
      ],
    },
  };
  return { result: true, notices: [card] };
}

/** The customer the number belongs to (by the one phone rule), or a new customer with a contact for it. */
async function customerFor(em: EntityManager, call: Call, task: CallTask, owner: number | null): Promise<string | null> {
  const phone = normalizePhone(call.callee);
  if (!phone) return null;
  const found = await resolvePhone(em, phone);
  if (found.customerId) return found.customerId;
  const id = `LEAD-${call.startedAt.toISOString().slice(0, 10).replaceAll('-', '')}-${randomBytes(4).toString('hex')}`;
  const customer = em.create(CustomerSchema, {
    id,
    name: '外呼意向客户',
    phone: phone.e164,
    phoneLast8: phone.last8,
    level: 'potential',
    source: 'call_task',
    tags: ['新线索', '外呼意向'],
    ownerStaff: owner,
    notes: `来自外呼任务「${task.name}」`.slice(0, 500),
  });
  em.create(CustomerContactSchema, { customer, name: '外呼联系人', mobile: phone.kind === 'mobile' ? phone.e164 : null, mobileLast8: phone.kind === 'mobile' ? phone.last8 : null, phone: phone.kind === 'mobile' ? null : phone.e164, phoneLast8: phone.kind === 'mobile' ? null : phone.last8, phoneType: phone.kind === 'mobile' ? 'mobile' : 'landline', isPrimary: true, lastCallDate: call.startedAt, callCount: 1 });
  return id;
}
