import type { EntityManager, FilterQuery } from '@mikro-orm/core';
import { authorize, type Actor } from '../auth/actor.js';
import { detailNumber } from '../auth/number-disclosure.js';
import { CallSchema } from '../calls/call.entity.js';
import { nationalNumber } from '../shared/phone.js';
import { CallTaskDeviceSchema } from './call-task-device.entity.js';
import { CallTaskPhoneSchema } from './call-task-phone.entity.js';
import { CallTaskSchema, type CallTask, type CallTaskStatus } from './call-task.entity.js';
import { loadTask } from './call-task.service.js';

export type TaskStats = {
  totalCalls: number;
  successfulCalls: number;
  intendedCustomers: number;
  skipped: number;
  pendingNumbers: number;
  /** Answered calls nobody took (agent mode: no salesperson answered in time). */
  abandonedCalls: number;
  /** abandonedCalls / successfulCalls (0–1, 4 decimals); 0 before any answer. */
  abandonRate: number;
};

/** Live counts per task: calls placed, calls answered (from `calls`), intended and skipped numbers (from the task's numbers); in `em`'s transaction when it holds one. */
export async function taskStats(em: EntityManager, taskIds: number[]): Promise<Map<number, TaskStats>> {
  const out = new Map<number, TaskStats>(taskIds.map((id) => [id, { totalCalls: 0, successfulCalls: 0, intendedCustomers: 0, skipped: 0, pendingNumbers: 0, abandonedCalls: 0, abandonRate: 0 }]));
  if (taskIds.length === 0) return out;
  const conn = em.getConnection();
  const marks = taskIds.map(() => '?').join(', ');
  const calls = await conn.execute<Array<{ task_id: number; n: number | string; answered: number | string | null; abandoned: number | string | null }>>(
    `select task_id, count(*) as n, sum(case when answered_at is not null then 1 else 0 end) as answered,
            sum(case when outcome = 'abandoned' then 1 else 0 end) as abandoned
       from calls where task_id in (${marks}) and claimed_ahead = 0 group by task_id`,
    taskIds,
    'all',
    em.getTransactionContext(),
  );
  for (const r of calls) {
    const answered = Number(r.answered ?? 0);
    const abandoned = Number(r.abandoned ?? 0);
    Object.assign(out.get(Number(r.task_id))!, { totalCalls: Number(r.n), successfulCalls: answered, abandonedCalls: abandoned, abandonRate: answered ? Math.round((abandoned / answered) * 10_000) / 10_000 : 0 });
  }
  const phones = await conn.execute<Array<{ task_id: number; intended: number | string | null; skipped: number | string | null; pending: number | string | null }>>(
    `select task_id, sum(case when intended then 1 else 0 end) as intended, sum(case when status = 'skipped' then 1 else 0 end) as skipped,
            sum(case when status in ('pending', 'dialing', 'unknown') then 1 else 0 end) as pending
       from t_call_task_phones where task_id in (${marks}) group by task_id`,
    taskIds,
    'all',
    em.getTransactionContext(),
  );
  for (const r of phones) Object.assign(out.get(Number(r.task_id))!, { intendedCustomers: Number(r.intended ?? 0), skipped: Number(r.skipped ?? 0), pendingNumbers: Number(r.pending ?? 0) });
  return out;
}

/** A task's skipped numbers per reason, most frequent first; in `em`'s transaction when it holds one. */
export async function skipReasons(em: EntityManager, taskId: number): Promise<Array<{ reason: string | null; n: number }>> {
  type Row = { reason: string | null; n: number | string };
  const rows: Row[] = await em.getConnection().execute(
    `select skip_reason as reason, count(*) as n from t_call_task_phones where task_id = ? and status = 'skipped' group by skip_reason order by count(*) desc, skip_reason`,
    [taskId],
    'all',
    em.getTransactionContext(),
  );
  return rows.map((r) => ({ reason: r.reason, n: Number(r.n) }));
}

export type TaskListQuery = { name?: string; status?: CallTaskStatus; startTime?: Date; endTime?: Date; page: number; size: number; sort: 'createTime' | 'scheduledTime' | 'name' | 'status'; order: 'asc' | 'desc' };

const TASK_SORT = { createTime: 'createdAt', scheduledTime: 'scheduledTime', name: 'name', status: 'status' } as const;

function taskRow(t: CallTask, s: TaskStats) {
  return {
    taskId: t.id,
    name: t.name,
    description: t.description ?? null,
    status: t.status,
    mode: t.mode,
    scheduledTime: t.scheduledTime ?? null,
    createTime: t.createdAt,
    completedTime: t.completedTime ?? null,
    failureReason: t.failureReason ?? null,
    ...s,
  };
}

/** Seed 004 §2.2: tasks filtered by name (fuzzy), status and creation time, paged, with live counts. */
export async function listCallTasks(em: EntityManager, actor: Actor, q: TaskListQuery) {
  authorize(actor, ['lead:call:view', 'lead:call:list'], '查看外呼任务');
  const where: FilterQuery<CallTask> = {};
  if (q.name) where.name = { $like: `%${q.name.replace(/[\\%_]/g, (c) => `\\${c}`)}%` };
  if (q.status) where.status = q.status;
  if (q.startTime || q.endTime) where.createdAt = { ...(q.startTime ? { $gte: q.startTime } : {}), ...(q.endTime ? { $lte: q.endTime } : {}) };
  const [tasks, total] = await em.findAndCount(CallTaskSchema, where, {
    orderBy: { [TASK_SORT[q.sort]]: q.order, id: q.order },
    limit: q.size,
    offset: (q.page - 1) * q.size,
  });
  const stats = await taskStats(em, tasks.map((t) => t.id));
  return { rows: tasks.map((t) => taskRow(t, stats.get(t.id)!)), total };
}

/** Seed 004 §2.3: the task with its numbers (each with its state and skip reason), devices and recent calls. */
export async function callTaskDetail(em: EntityManager, actor: Actor, taskId: number) {
  authorize(actor, 'lead:call:view', '查看外呼任务');
  const task = await loadTask(em, taskId);
  const [stats, phones, devices, calls] = await Promise.all([
    taskStats(em, [task.id]),
    em.find(CallTaskPhoneSchema, { task: task.id }, { orderBy: { id: 'asc' } }),
    em.find(CallTaskDeviceSchema, { task: task.id }, { orderBy: { id: 'asc' } }),
    em.find(CallSchema, { task: task.id }, { orderBy: { startedAt: 'desc', id: 'desc' }, limit: 200 }),
  ]);
  return {
    ...taskRow(task, stats.get(task.id)!),
    phoneNumbers: phones.map((p) => detailNumber(actor, p.phone, 'callTask')!),
    numbers: phones.map((p) => ({ phoneNumber: detailNumber(actor, p.phone, 'callTask')!, status: p.status, attempts: p.attempts, skipReason: p.skipReason ?? null, nextAttemptAt: p.nextAttemptAt ?? null, intended: p.intended })),
    callScript: task.callScript,
    callerId: task.callerId ? nationalNumber(task.callerId) : null,
    deviceIds: devices.map((d) => d.device.id),
    tags: task.tags,
    source: task.source ?? null,
    maxAttempts: task.maxAttempts,
    retryAfterMinutes: task.retryAfterMinutes,
    salesStaffIds: task.salesStaffIds,
    callRecords: calls.map((c) => ({ recordId: c.id, phoneNumber: detailNumber(actor, c.callee, 'callTask')!, startTime: c.startedAt, duration: c.duration, outcome: c.outcome ?? null, analysisStatus: c.analysisStatus ?? null })),
  };
}
