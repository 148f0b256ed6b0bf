import type { EntityManager } from '@mikro-orm/core';
import { authorize, type Actor } from '../auth/actor.js';
import { DomainError } from '../shared/domain-error.js';
import type { FieldIssue } from '../shared/validation.js';
import { normalizePhone, maskPhone } from '../shared/phone.js';
import { GatewayDeviceSchema } from '../voice-gateways/gateway-device.entity.js';
import { CallTaskDeviceSchema } from './call-task-device.entity.js';
import { CALL_TASK_PROMPTS_JOB, CALL_TASK_RUN_JOB, type CallTaskDeps } from './call-task-deps.js';
import { CallTaskPhoneSchema } from './call-task-phone.entity.js';
import { CallTaskSchema, type CallTask, type CallTaskMode, type CallTaskStatus } from './call-task.entity.js';
import { StaffSchema } from '../staff/staff.entity.js';

export type CreateCallTaskInput = {
  name: string;
  description?: string | null;
  phoneNumbers: string[];
  callScript: string;
  scheduledTime?: Date | null;
  callerId?: string | null;
  deviceIds?: number[];
  tags?: string[];
  source?: string | null;
  mode?: CallTaskMode;
  maxAttempts?: number;
  retryAfterMinutes?: number;
  salesStaffIds?: number[];
};

export type CreatedCallTask = { taskId: number; name: string; status: CallTaskStatus; createTime: Date; phoneCount: number; duplicatesRemoved: string[] };

/** A scheduled time this far in the past still counts as "now" (clock skew, a slow form). */
const PAST_GRACE_MS = 60_000;

/**
 * Seed 004 §2.1: checks everything at once (422 listing every bad field: empty name or script, no numbers,
 * each bad number by index, a past scheduledTime, unknown devices, a caller id that is not ours), removes
 * duplicates (reported back), stores the task with its numbers and devices, and schedules its dialler at
 * scheduledTime (or now).
 */
export async function createCallTask(em: EntityManager, deps: CallTaskDeps, actor: Actor, input: CreateCallTaskInput): Promise<CreatedCallTask> {
  authorize(actor, 'lead:call:create', '创建外呼任务');
  const now = deps.clock.now();
  const issues: FieldIssue[] = [];
  const name = input.name.trim();
  const script = input.callScript.trim();
  if (!name) issues.push({ field: 'name', message: '不能为空' });
  if (!script) issues.push({ field: 'callScript', message: '不能为空' });
  if (input.phoneNumbers.length === 0) issues.push({ field: 'phoneNumbers', message: '至少需要 1 个号码' });
  const seen = new Set<string>();
  const numbers: Array<{ e164: string; last8: string }> = [];
  const duplicatesRemoved: string[] = [];
  input.phoneNumbers.forEach((raw, i) => {
    const phone = normalizePhone(raw);
    if (!phone || phone.kind === 'other') {
      issues.push({ field: `phoneNumbers.${i}`, message: `不是有效的电话号码：${String(raw).slice(0, 40)}` });
      return;
    }
    if (seen.has(phone.e164)) {
      duplicatesRemoved.push(raw);
      return;
    }
    seen.add(phone.e164);
    numbers.push({ e164: phone.e164, last8: phone.last8 });
  });
  if (input.scheduledTime && input.scheduledTime.getTime() < now.getTime() - PAST_GRACE_MS) issues.push({ field: 'scheduledTime', message: '不能早于当前时间' });
  const deviceIds = [...new Set(input.deviceIds ?? [])];
  if (deviceIds.length) {
    const found = new Set((await em.find(GatewayDeviceSchema, { id: { $in: deviceIds } }, { fields: ['id'] })).map((d) => d.id));
    input.deviceIds!.forEach((id, i) => {
      if (!found.has(id)) issues.push({ field: `deviceIds.${i}`, message: `设备 ${id} 不存在` });
    });
  }
  let callerId: { e164: string; last8: string } | null = null;
  if (input.callerId?.trim()) {
    const phone = normalizePhone(input.callerId);
    const ours = await deps.callerIds();
    if (!phone || !ours.includes(phone.e164)) issues.push({ field: 'callerId', message: '外显号码必须是我们已配置的号码之一（法规要求真实主叫号码）' });
    else callerId = { e164: phone.e164, last8: phone.last8 };
  }
  const salesStaffIds = [...new Set(input.salesStaffIds ?? [])];
  if (salesStaffIds.length) {
    const found = new Set((await em.find(StaffSchema, { id: { $in: salesStaffIds }, active: true }, { fields: ['id'] })).map((s) => s.id));
    input.salesStaffIds!.forEach((id, i) => {
      if (!found.has(id)) issues.push({ field: `salesStaffIds.${i}`, message: `员工 ${id} 不存在或已停用` });
    });
  }
  if (issues.length) throw new DomainError('VALIDATION_FAILED', `请求参数不合法: ${[...new Set(issues.map((f) => f.field))].join(', ')}`, { fields: issues.map((f) => ({ ...f, in: 'body' })) });

  const task = await em.transactional(async (tx) => {
    const t = tx.create(CallTaskSchema, {
      name: name.slice(0, 200),
      description: input.description?.trim() || null,
      status: 'SCHEDULED',
      callScript: script,
      scheduledTime: input.scheduledTime ?? null,
      callerId: callerId?.e164 ?? null,
      callerIdLast8: callerId?.last8 ?? null,
      tags: input.tags ?? [],
      source: input.source?.trim().slice(0, 64) || null,
      mode: input.mode ?? 'agent',
      maxAttempts: input.maxAttempts ?? 3,
      retryAfterMinutes: input.retryAfterMinutes ?? 30,
      salesStaffIds,
      createdBy: actor.staffId,
    });
    await tx.flush();
    for (const n of numbers) tx.create(CallTaskPhoneSchema, { task: t.id, phone: n.e164, phoneLast8: n.last8 });
    for (const d of deviceIds) tx.create(CallTaskDeviceSchema, { task: t.id, device: d });
    await tx.flush();
    return t;
  });
  await scheduleRun(deps, task.id, task.scheduledTime && task.scheduledTime > now ? task.scheduledTime : now);
  // The task's prompt audio is prepared once, before its first call is answered.
  await deps.jobs.enqueue(CALL_TASK_PROMPTS_JOB, { taskId: task.id }, { uniqueKey: `call-task-prompts:${task.id}` });
  return { taskId: task.id, name: task.name, status: task.status, createTime: task.createdAt, phoneCount: numbers.length, duplicatesRemoved: duplicatesRemoved.map(maskPhone) };
}

async function scheduleRun(deps: CallTaskDeps, taskId: number, at: Date): Promise<void> {
  await deps.jobs.cancel(CALL_TASK_RUN_JOB, { taskId });
  await deps.jobs.enqueue(CALL_TASK_RUN_JOB, { taskId }, { runAt: at, uniqueKey: `call-task:${taskId}:${at.getTime()}` });
}

export async function loadTask(em: EntityManager, taskId: number): Promise<CallTask> {
  const task = await em.findOne(CallTaskSchema, { id: taskId });
  if (!task) throw new DomainError('CALL_TASK_NOT_FOUND', `外呼任务 ${taskId} 不存在`);
  return task;
}

/**
 * Seed 004 §2.7. START: a scheduled, stopped or failed task runs now (a running one stays running);
 * a completed or cancelled one cannot (409). STOP: only a running task (409 otherwise); no new dials,
 * calls in progress finish, START resumes where it stopped.
 */
export async function setCallTaskStatus(em: EntityManager, deps: CallTaskDeps, actor: Actor, taskId: number, action: 'START' | 'STOP'): Promise<{ taskId: number; status: CallTaskStatus }> {
  authorize(actor, 'lead:call:control', action === 'START' ? '启动外呼任务' : '停止外呼任务');
  const task = await loadTask(em, taskId);
  if (action === 'START') {
    if (task.status === 'COMPLETED' || task.status === 'CANCELLED') {
      throw new DomainError('CALL_TASK_NOT_STARTABLE', `任务 ${taskId} 已${task.status === 'COMPLETED' ? '完成' : '取消'}，无法启动`, { status: task.status });
    }
    if (task.status !== 'RUNNING') {
      task.status = 'RUNNING';
      task.startedTime ??= deps.clock.now();
      task.failureReason = null;
      task.lastLineOkAt = deps.clock.now();
      await em.flush();
    }
    await scheduleRun(deps, task.id, deps.clock.now());
    return { taskId: task.id, status: task.status };
  }
  if (task.status !== 'RUNNING') throw new DomainError('CALL_TASK_NOT_RUNNING', `任务 ${taskId} 未在运行（当前 ${task.status}），无法停止`, { status: task.status });
  task.status = 'STOPPED';
  await em.flush();
  await deps.jobs.cancel(CALL_TASK_RUN_JOB, { taskId: task.id });
  return { taskId: task.id, status: task.status };
}

/**
 * Seed 004 §2.8: a scheduled or running task is cancelled — no new dials, calls in progress finish, the
 * numbers left are marked `cancelled`. Completed, stopped, failed or cancelled tasks: 409.
 */
export async function cancelCallTask(em: EntityManager, deps: CallTaskDeps, actor: Actor, taskId: number): Promise<{ taskId: number; status: CallTaskStatus }> {
  authorize(actor, 'lead:call:cancel', '取消外呼任务');
  const task = await loadTask(em, taskId);
  if (task.status !== 'SCHEDULED' && task.status !== 'RUNNING') {
    throw new DomainError('CALL_TASK_NOT_CANCELLABLE', '已完成或已停止的任务无法取消', { status: task.status });
  }
  await em.transactional(async (tx) => {
    await tx.nativeUpdate(CallTaskSchema, { id: task.id }, { status: 'CANCELLED', completedTime: deps.clock.now() });
    await tx.nativeUpdate(CallTaskPhoneSchema, { task: task.id, status: 'pending' }, { status: 'cancelled', skipReason: 'CANCELLED' });
  });
  task.status = 'CANCELLED';
  await deps.jobs.cancel(CALL_TASK_RUN_JOB, { taskId: task.id });
  return { taskId: task.id, status: 'CANCELLED' };
}
