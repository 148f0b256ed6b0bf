import type { EntityManager } from '@mikro-orm/core';
import { recordAudit } from '../audit/audit.service.js';
import { checkCompliance } from '../compliance/compliance.service.js';
import { customerMobile } from '../customers/customer-mobile.js';
import type { Customer } from '../customers/customer.entity.js';
import type { Notifier } from '../ports/notifier.port.js';
import { commitWithNotices, type Notice } from '../notifications/notices.js';
import { localParts } from '../shared/business-time.js';
import { DomainError } from '../shared/domain-error.js';
import { maskPhone } from '../shared/phone.js';
import { createTodo } from '../todos/todo.service.js';
import { ContactHistorySchema } from './contact-history.entity.js';
import { InvitationSchema, type Invitation } from './invitation.entity.js';
import type { InvitationSettings } from './invitation.service.js';
import { requireCustomer } from './outreach-customer.js';
import type { OutreachDeps } from './outreach-deps.js';
import { sendSms } from './sms-send.service.js';

export type InvitationSendResult = { state: 'sent' | 'not_approved' | 'refused' | 'deferred' | 'failed'; until?: Date; reason?: string; todoId?: number };

const HOUR = 3600_000;

/** What a failure reason means to the submitter and the approver (chat text). */
const REASON_TEXT: Record<string, string> = {
  NO_CONSENT: '客户没有该渠道的营销授权（请先在授权台账记录客户的同意）',
  OPTED_OUT: '客户已退订该渠道的营销信息',
  BLACKLISTED: '号码在黑名单中',
  FREQUENCY_CAP: '超过发送频率上限',
  INVALID_NUMBER: '客户号码无效',
  NO_MOBILE: '客户没有可用的手机号',
  NO_ASSIGNEE: '客户没有负责的客户经理，也没有审批人可接手电话邀约',
};

export const failureText = (reason: string): string => REASON_TEXT[reason] ?? `发送失败（${reason}）`;

/**
 * The send job's work for an approved invitation, through its channel: SMS (template, compliance again),
 * WeChat (shown in the customer's mini-program) or — a VIP's invitation by phone — a call todo with the
 * script for the customer's owner (a person calls a VIP; no automated call). Sent once: only `approved`
 * moves. A send that cannot go out becomes `failed` with its reason, closes (a new invitation may be
 * submitted once the cause is fixed), and its submitter and approver are told in chat (a campaign's
 * invitation: its campaign performance counts it instead).
 */
export async function sendApprovedInvitation(
  em: EntityManager,
  deps: OutreachDeps,
  settings: InvitationSettings,
  invitationId: string,
  notifier?: Notifier,
): Promise<InvitationSendResult> {
  const inv = await em.findOne(InvitationSchema, { id: invitationId });
  if (!inv) return { state: 'not_approved', reason: 'missing' };
  if (inv.status !== 'approved') return { state: 'not_approved', reason: inv.status };
  const customer = await requireCustomer(em, inv.customer.id);
  const mobile = await customerMobile(em, customer.id);
  const failed = (reason: string) => fail(em, inv, customer, reason, notifier, deps.clock.now());
  if (!mobile) return failed('NO_MOBILE');
  const now = deps.clock.now();
  // One compliance decision for every channel, taken here: a deferral reschedules this job (only this one).
  const dryRun = (inv.channel === 'sms' ? deps.sms.dryRun : inv.channel === 'call' ? deps.voice.dryRun : false) ?? false;
  const [check] = await checkCompliance(em, { phones: [mobile], channel: inv.channel, purpose: 'marketing', subjectType: 'invitation', subjectIds: [inv.id], dryRun }, deps.compliance, now);
  const verdict = check!.verdict;
  if (verdict.kind === 'defer') {
    await em.flush();
    return { state: 'deferred', until: verdict.until };
  }
  if (verdict.kind === 'refuse') return failed(verdict.reason);
  let todoId: number | undefined;
  try {
    if (inv.channel === 'sms') {
      const local = localParts(inv.eventDate, settings.timeZone);
      const params = [customer.name, inv.eventName, `${Number(local.date.slice(5, 7))}月${Number(local.date.slice(8, 10))}日 ${local.hhmm}`, inv.incentive ?? ''];
      const res = await sendSms(em, deps, { phoneNumber: mobile, templateCode: settings.smsTemplateCode, params, customerId: customer.id, historyType: 'invitation', staffId: inv.approvedBy ?? null });
      // sent, unknown (maybe sent) and retrying/deferred (queued as an SMS job) are all on their way.
      if (res.status === 'failed') return failed(res.error ?? 'SMS_FAILED');
    } else if (inv.channel === 'call') {
      const handed = await handToOwner(em, inv, customer, mobile, settings, now, notifier);
      if (!handed) return failed('NO_ASSIGNEE');
      todoId = handed;
    } else {
      em.create(ContactHistorySchema, { customer: customer.id, phone: check!.e164, phoneLast8: check!.e164?.slice(-8) ?? null, channel: inv.channel, type: 'invitation', content: inv.content, status: 'sent', result: 'shown in the mini-program', createdBy: inv.approvedBy ?? null });
    }
  } catch (err) {
    if (err instanceof DomainError) return failed(err.code);
    throw err;
  }
  Object.assign(inv, { status: 'sent', sentAt: now });
  await em.flush();
  return { state: 'sent', ...(todoId ? { todoId } : {}) };
}

/**
 * A VIP's invitation by phone: an urgent call todo for the customer's owner (the approver when the customer
 * has none) with the script, due within 24 h and before the event; the assignee is notified. Returns the
 * todo id, or undefined when nobody can take it.
 */
async function handToOwner(em: EntityManager, inv: Invitation, customer: Customer, mobile: string, settings: InvitationSettings, now: Date, notifier?: Notifier): Promise<number | undefined> {
  const assignee = customer.ownerStaff ?? inv.approvedBy ?? null;
  if (!assignee) return undefined;
  const dueAt = new Date(Math.max(now.getTime() + HOUR, Math.min(now.getTime() + 24 * HOUR, inv.eventDate.getTime() - 2 * HOUR)));
  // The todo, its history row and the assignee's card commit together (the card lives in the outbox).
  return commitWithNotices(em, notifier, async () => {
    const todo = createTodo(em, {
      title: `电话邀约VIP：${customer.name} · ${inv.eventName}`.slice(0, 200),
      customerId: customer.id,
      assignedTo: assignee,
      reason: 'event_invitation',
      source: 'invitation',
      relatedRecordId: `invitation:${inv.id}`,
      priority: 'high',
      dueAt,
      dueDate: localParts(dueAt, settings.timeZone).date,
      notes: `话术：${inv.content}\n激励：${inv.incentive ?? '无'}`,
  });
  const phone = maskPhone(mobile);
  em.create(ContactHistorySchema, {
    customer: customer.id,
    phone: mobile,
    phoneLast8: mobile.slice(-8),
    channel: 'call',
    type: 'invitation',
    content: inv.content,
    status: 'assigned',
    result: `call todo for staff ${assignee}`,
    createdBy: inv.approvedBy ?? null,
  });
  await em.flush();
  const due = localParts(dueAt, settings.timeZone);
  const card: Notice = {
    staffId: assignee,
    notification: {
      kind: 'todo',
      todoId: todo.id,
      title: `请电话邀约VIP客户：${customer.name}`,
      dueAt,
      lines: [
        ['客户', customer.name],
        ['电话', phone],
        ['活动', inv.eventName],
        ['激励', inv.incentive ?? '无'],
        ['话术', inv.content],
        ['截止', `${due.date} ${due.hhmm}`],
      ],
    },
  };
  return { result: todo.id, notices: [card] };
  });
}

async function fail(em: EntityManager, inv: Invitation, customer: Customer, reason: string, notifier: Notifier | undefined, now: Date): Promise<InvitationSendResult> {
  Object.assign(inv, { status: 'failed', failureReason: reason.slice(0, 64), failedAt: now, openKey: null });
  recordAudit(em, { actorStaffId: null, action: 'invitation.send_failed', targetType: 'invitation', targetId: inv.id, channel: 'job', details: { reason, channel: inv.channel } });
  // The submitter's and the approver's notices commit with the failure. A campaign's invitations are
  // reported in its performance (per reason), not one chat message each.
  const text = `邀约 ${inv.id}（${customer.name} · ${inv.eventName}）未能发出：${failureText(reason)}。`;
  const told = inv.campaign ? [] : [...new Set([inv.createdBy, inv.approvedBy].filter((id): id is number => typeof id === 'number'))];
  await commitWithNotices(em, notifier, async () => ({ result: undefined, notices: told.map((staffId) => ({ staffId, notification: { kind: 'text', title: '邀约发送失败', text } })) }));
  return { state: reason === 'OPTED_OUT' || reason.startsWith('RECIPIENT_') || reason === 'NO_CONSENT' || reason === 'BLACKLISTED' ? 'refused' : 'failed', reason };
}
