import type { EntityManager } from '@mikro-orm/core';
import type { Call } from '../calls/call.entity.js';
import { settleOutboundCall } from '../calls/outbound-call.service.js';
import type { CallEnded } from '../ports/switch.port.js';
import { CallTaskPhoneSchema, type TaskPhoneStatus } from './call-task-phone.entity.js';
import { CallTaskSchema } from './call-task.entity.js';

/** How often a task's `lastLineOkAt` is written at most (it only has to be fresher than NO_LINE_FAIL_MS). */
export const LINE_OK_EVERY_MS = 30_000;

export type AttemptSettled = { call: Call; taskId: number | null; phoneStatus: TaskPhoneStatus | null; completed: boolean };

/**
 * The end of an outbound call: the call is settled in the one call model and, for a call task, its number
 * moves on in the same unit of work — busy / no answer wait `retryAfterMinutes` for another attempt (up to
 * `maxAttempts`), a line failure is retried at once on another line without using up an attempt, invalid
 * numbers and rejections are final. Idempotent: the second report of one hangup changes nothing.
 */
export async function settleCall(em: EntityManager, ended: CallEnded, now = new Date()): Promise<AttemptSettled | null> {
  const settled = await settleOutboundCall(em, ended);
  if (!settled) return null;
  const { call } = settled;
  if (!settled.changed || call.source !== 'task' || !call.taskPhone || !call.task) return { call, taskId: call.task ?? null, phoneStatus: null, completed: false };
  const phoneStatus = await advanceNumber(em, call, now);
  const completed = await completeIfDone(em, call.task, now);
  return { call, taskId: call.task, phoneStatus, completed };
}

async function advanceNumber(em: EntityManager, call: Call, now: Date): Promise<TaskPhoneStatus | null> {
  const phone = await em.findOne(CallTaskPhoneSchema, { id: call.taskPhone! });
  const task = await em.findOne(CallTaskSchema, { id: call.task! });
  if (!phone || !task || phone.lastCallId !== call.uuid) return null;
  // A line worked (the task FAILs after 10 minutes without one): written at most every LINE_OK_EVERY_MS, not on
  // every hang-up — each write locks the task row, and every claim of the task waits for that lock.
  if (call.outcome !== 'line_failed' && call.outcome !== 'failed' && !(task.lastLineOkAt && now.getTime() - task.lastLineOkAt.getTime() < LINE_OK_EVERY_MS)) task.lastLineOkAt = now;
  let next: TaskPhoneStatus;
  let at: Date | null = null;
  switch (call.outcome) {
    case 'answered':
      next = 'answered';
      break;
    case 'abandoned':
      next = 'abandoned';
      break;
    case 'busy':
    case 'no_answer':
      next = phone.attempts < task.maxAttempts ? 'pending' : call.outcome;
      if (next === 'pending') at = new Date(now.getTime() + task.retryAfterMinutes * 60_000);
      break;
    case 'line_failed':
      next = 'pending';
      phone.attempts = Math.max(0, phone.attempts - 1);
      break;
    case 'rejected':
    case 'invalid':
      next = call.outcome;
      break;
    case 'unknown':
      next = 'unknown';
      break;
    default:
      next = 'failed';
  }
  // A task cancelled meanwhile does not take a retry: the number is cancelled instead.
  if (next === 'pending' && task.status === 'CANCELLED') next = 'cancelled';
  phone.status = next;
  phone.nextAttemptAt = at;
  phone.skipReason = next === 'failed' ? (call.hangupCause ?? 'FAILED').slice(0, 64) : next === 'cancelled' ? 'CANCELLED' : null;
  await em.flush();
  return next;
}

/**
 * A running task whose numbers are all final becomes COMPLETED, exactly once (a conditional update: of two
 * processes settling the last two calls at once, one wins). Returns whether this call completed it.
 */
export async function completeIfDone(em: EntityManager, taskId: number, now: Date): Promise<boolean> {
  // Whether one number is still open, not how many (a count reads every open number's index entry, on every hang-up).
  const open = await em.findOne(CallTaskPhoneSchema, { task: taskId, status: { $in: ['pending', 'dialing', 'unknown'] } }, { fields: ['id'] });
  if (open) return false;
  const changed = await em.nativeUpdate(CallTaskSchema, { id: taskId, status: 'RUNNING' }, { status: 'COMPLETED', completedTime: now });
  return changed === 1;
}
