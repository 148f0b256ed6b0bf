import { customerNumber } from './call-party.js';
import type { EntityManager } from '@mikro-orm/core';
import { transactionNotices, type TransactionNotices } from '../notifications/notices.js';
import type { JobQueue } from '../ports/job-queue.port.js';
import type { Notifier } from '../ports/notifier.port.js';
import { loadRoutingInput } from '../routing/routing-context.js';
import { dutyPeopleAt } from '../routing/routing-policy.js';
import { localParts } from '../shared/business-time.js';
import { maskPhone, normalizePhone } from '../shared/phone.js';
import { StaffSchema } from '../staff/staff.entity.js';
import { createTodo } from '../todos/todo.service.js';
import { CustomerSchema } from '../customers/customer.entity.js';
import { customerStanding } from '../customers/customer-standing.js';
import { nextWorkingMorning } from './deadlines.js';
import { CallSchema } from './call.entity.js';

export const CALL_ANALYSIS_JOB = 'call-analysis';
export const VOICEMAIL_JOB = 'voicemail-processing';

export type AnsweredOutcome = 'unknown_call' | 'already_answered' | 'answered';

/** A leg was bridged to the 400 caller: who answered (by the dialled extension or mobile) and when. */
export async function markCallAnswered(em: EntityManager, input: { uuid: string; destination: string; at: Date }): Promise<AnsweredOutcome> {
  const record = await em.findOne(CallSchema, { uuid: input.uuid });
  if (!record) return 'unknown_call';
  if (record.answeredAt) return 'already_answered';
  record.answeredAt = input.at;
  record.answeredBy = await staffByDestination(em, input.destination);
  await em.flush();
  return 'answered';
}

async function staffByDestination(em: EntityManager, destination: string): Promise<number | null> {
  const dest = destination.replace(/^.*\//, '').replace(/@.*$/, '');
  const byExt = await em.findOne(StaffSchema, { officeExt: dest, active: true });
  if (byExt) return byExt.id;
  const phone = normalizePhone(dest);
  if (!phone) return null;
  const byMobile = await em.findOne(StaffSchema, { mobileLast8: phone.last8, active: true });
  return byMobile?.id ?? null;
}

export type HangupFacts = {
  uuid: string;
  endedAt: Date;
  hangupCause: string | null;
  /** When the caller was connected to a staff member (CHANNEL_BRIDGE), if the bridge event was missed. */
  bridgedAt?: Date | null;
  bridgedTo?: string | null;
  recordingPath: string | null;
  voicemailPath: string | null;
  voicemailSeconds: number;
};

export type HangupOutcome = 'unknown_call' | 'already_completed' | 'answered' | 'voicemail' | 'missed';

export type LifecycleDeps = { em: EntityManager; jobs: JobQueue; notifier: Notifier; timeZone: string };

/**
 * CHANNEL_HANGUP_COMPLETE of a 400 call: the record gets its end, duration and recording; an answered,
 * recorded call queues its analysis, a voicemail its processing, and a missed call becomes a callback
 * todo for the owner (or the duty person) with a notification. Idempotent per call uuid.
 */
export async function completeCall(deps: LifecycleDeps, facts: HangupFacts): Promise<HangupOutcome> {
  const ended = await recordHangup(deps, facts);
  await ended.notices.afterCommit();
  await queueAfterHangup(deps.jobs, ended);
  return ended.outcome;
}

/**
 * A recorded hangup: its outcome, the job it calls for (an answered call's recording, a voicemail), and a
 * missed call's notice (`notices.afterCommit()` once the caller committed: it sends or nudges the outbox).
 */
export type RecordedHangup = { outcome: HangupOutcome; recordId: number | null; follows: 'analysis' | 'voicemail' | null; notices: TransactionNotices };

/**
 * The database part of completeCall — the record, and for a missed call its todo and its notice (in the
 * outbox in `deps.em`'s unit of work; a transport that sends at once waits for `notices.afterCommit()`).
 * Runs inside a transaction (one process handles each hangup); the jobs follow after the commit
 * (queueAfterHangup). A retried transaction calls it again: each call has its own notices.
 */
export async function recordHangup(deps: Omit<LifecycleDeps, 'jobs'>, facts: HangupFacts): Promise<RecordedHangup> {
  const { em } = deps;
  const notices = transactionNotices(deps.notifier);
  const record = await em.findOne(CallSchema, { uuid: facts.uuid });
  if (!record) return { outcome: 'unknown_call', recordId: null, follows: null, notices };
  if (record.endedAt) return { outcome: 'already_completed', recordId: record.id, follows: null, notices };
  if (!record.answeredAt && facts.bridgedAt) {
    record.answeredAt = facts.bridgedAt;
    record.answeredBy = facts.bridgedTo ? await staffByDestination(em, facts.bridgedTo) : null;
  }
  record.endedAt = facts.endedAt;
  record.hangupCause = facts.hangupCause?.slice(0, 64) ?? null;
  record.duration = record.answeredAt ? Math.max(0, Math.round((facts.endedAt.getTime() - record.answeredAt.getTime()) / 1000)) : 0;
  let outcome: HangupOutcome;
  if (record.answeredAt) {
    outcome = 'answered';
    record.recordingPath = facts.recordingPath;
    record.analysisStatus = facts.recordingPath ? 'PENDING' : null;
  } else if (facts.voicemailPath && facts.voicemailSeconds >= 1) {
    outcome = 'voicemail';
    record.voicemail = true;
    record.recordingPath = facts.voicemailPath;
    record.analysisStatus = 'PENDING';
  } else {
    outcome = 'missed';
  }
  await em.flush();
  if (outcome === 'missed') await missedCall(deps, notices, record.id);
  const follows = outcome === 'voicemail' ? 'voicemail' : outcome === 'answered' && record.recordingPath ? 'analysis' : null;
  return { outcome, recordId: record.id, follows, notices };
}

/**
 * After a hangup is recorded: an answered, recorded call's analysis (a 400 or an outreach call) or a voicemail's
 * processing, queued at once (unique per call; the calls sweep only re-queues one whose job was lost).
 */
export async function queueAfterHangup(jobs: JobQueue, ended: Pick<RecordedHangup, 'recordId' | 'follows'>): Promise<void> {
  if (ended.recordId === null || !ended.follows) return;
  const [job, key] = ended.follows === 'analysis' ? [CALL_ANALYSIS_JOB, 'call-analysis'] : [VOICEMAIL_JOB, 'voicemail'];
  await jobs.enqueue(job, { callRecordId: ended.recordId }, { uniqueKey: `${key}:${ended.recordId}` });
}

/** Seed item 9: unanswered and no voicemail → a callback todo for the owner or duty person, and a notice. */
async function missedCall(deps: Omit<LifecycleDeps, 'jobs'>, notices: TransactionNotices, recordId: number): Promise<void> {
  const { em } = deps;
  const record = await em.findOneOrFail(CallSchema, { id: recordId });
  const customer = record.customer ? await em.findOne(CustomerSchema, { id: record.customer.id }) : null;
  const now = record.endedAt ?? new Date();
  const routing = await loadRoutingInput(em, { now, timeZone: deps.timeZone, ownerStaffId: null, voicemailMaxSeconds: 0 });
  const assignee = customer?.ownerStaff ?? dutyPeopleAt(routing).people[0]?.id ?? null;
  const vip = customer ? ((await customerStanding(em, customer.id))?.isVip ?? false) : false;
  const due = vip ? new Date(now.getTime() + 3_600_000) : nextWorkingMorning(now, deps.timeZone, routing.rules.workHours, routing.holidays);
  const who = customer?.companyName ?? customer?.name ?? maskPhone(customerNumber(record));
  const todo = createTodo(em, {
    title: `回电未接来电：${who} (${maskPhone(customerNumber(record))})`,
    customerId: customer?.id ?? null,
    assignedTo: assignee,
    reason: 'missed_call',
    source: '400_phone',
    relatedRecordId: record.uuid,
    priority: vip ? 'high' : 'medium',
    dueAt: due,
    dueDate: localParts(due, deps.timeZone).date,
    notes: `来电时间 ${localParts(record.startedAt, deps.timeZone).date} ${localParts(record.startedAt, deps.timeZone).hhmm}，未接听且未留言`,
  });
  await em.flush();
  if (assignee) {
    // Queued with the call's unit of work (the caller commits it, then calls notices.afterCommit()).
    await notices.add(em, { staffId: assignee, notification: {
      kind: 'todo',
      todoId: todo.id,
      title: `📵 未接来电 - ${who}`,
      dueAt: due,
      lines: [
        ['来电号码', maskPhone(customerNumber(record))],
        ['来电时间', `${localParts(record.startedAt, deps.timeZone).date} ${localParts(record.startedAt, deps.timeZone).hhmm}`],
        ['回电期限', `${localParts(due, deps.timeZone).date} ${localParts(due, deps.timeZone).hhmm}`],
      ],
    } });
    await em.flush();
  }
}
