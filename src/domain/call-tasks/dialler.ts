import { randomUUID } from 'node:crypto';
import { LockMode, type EntityManager } from '@mikro-orm/core';
import { CallSchema } from '../calls/call.entity.js';
import { checkCompliance, type ComplianceSettings } from '../compliance/compliance.service.js';
import { nextCallingWindow } from '../compliance/compliance.policy.js';
import type { Clock } from '../ports/clock.port.js';
import type { JobQueue } from '../ports/job-queue.port.js';
import type { Notifier } from '../ports/notifier.port.js';
import type { SwitchPort } from '../ports/switch.port.js';
import { normalizePhone } from '../shared/phone.js';
import { GatewayDeviceSchema, type GatewayDevice } from '../voice-gateways/gateway-device.entity.js';
import { GatewayLineSchema } from '../voice-gateways/gateway-line.entity.js';
import { completeIfDone, settleCall } from './attempt-outcome.js';
import { CALL_TASK_RUN_JOB } from './call-task-deps.js';
import { CallTaskDeviceSchema } from './call-task-device.entity.js';
import { CallTaskPhoneSchema, type CallTaskPhone } from './call-task-phone.entity.js';
import { CallTaskSchema, type CallTask } from './call-task.entity.js';
import { notifyTaskFinished } from './completion-card.js';
import { freeAgentCount } from './free-agents.js';
import type { LineBook } from './line-book.js';
import { callsToPlace } from './pacer.js';

export type DiallerDeps = {
  fork(): EntityManager;
  /** Undefined when telephony is off: a running task waits (and FAILs after 10 minutes without a line). */
  switch: SwitchPort | undefined;
  lines: LineBook;
  clock: Clock;
  compliance: ComplianceSettings;
  jobs: JobQueue;
  notifier: Notifier;
  ringSeconds: number;
  /** Our fallback caller id (E.164) when neither the task nor the device's line has one. */
  defaultCallerId: string | null;
  /** Where an answered task call goes in the dialplan (see README "Call tasks"). */
  destination(task: CallTask): string;
  /** Real time to wait (tests and the benchmark compress it). */
  sleep?(ms: number): Promise<void>;
  log?(fields: Record<string, unknown>, message: string): void;
};

/** No originate has reached the network for this long while numbers wait → the task FAILs. */
export const NO_LINE_FAIL_MS = 10 * 60_000;

export type RunResult = 'completed' | 'stopped' | 'cancelled' | 'failed' | 'waiting' | 'budget' | 'missing';

const sleepReal = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** The number as the gateway dials it: mobiles and 400 numbers as they are, landlines with the trunk 0. */
function dialString(e164: string): string {
  const p = normalizePhone(e164);
  if (!p) return e164.replace(/\D/g, '');
  return p.kind === 'landline' ? `0${p.national}` : p.national;
}

/**
 * One run of a task's dialler (the Agenda job `call-task.run`): while the task is RUNNING and inside the
 * calling window, place as many calls as the pacer allows on the task's devices (lines per device, CPS per
 * device), each attempt claimed — its number moved to `dialing` and its `calls` row written in one
 * transaction — before the originate leaves. Returns when the task ends, stops, must wait (window, retry
 * time; the next run is queued) or the budget is used up (the next run is queued at once).
 */
export async function runCallTask(deps: DiallerDeps, taskId: number, options: { budgetMs?: number } = {}): Promise<RunResult> {
  // One run per task in a process: a START right after a STOP may queue a run while the previous one is
  // still finishing its loop; the new run waits for it (it then finds what is left, or the task done).
  const previous = deps.lines.runs.get(taskId);
  const run = (async () => {
    if (previous) await previous.catch(() => undefined);
    return runOnce(deps, taskId, options);
  })();
  deps.lines.runs.set(taskId, run);
  try {
    return await run;
  } finally {
    if (deps.lines.runs.get(taskId) === run) deps.lines.runs.delete(taskId);
  }
}

async function runOnce(deps: DiallerDeps, taskId: number, options: { budgetMs?: number }): Promise<RunResult> {
  const sleep = deps.sleep ?? sleepReal;
  const started = Date.now();
  const budget = options.budgetMs ?? 4 * 60_000;
  await recoverLostAttempts(deps, taskId);
  let lastUnknownSweep = 0;
  let devices: GatewayDevice[] | undefined;
  let devicesReadAt = 0;
  const lineNumbers = new Map<number, string | null>();
  while (Date.now() - started < budget) {
    const em = deps.fork();
    const task = await em.findOne(CallTaskSchema, { id: taskId });
    if (!task) return 'missing';
    const now = deps.clock.now();
    if (task.status === 'SCHEDULED') {
      await em.nativeUpdate(CallTaskSchema, { id: task.id, status: 'SCHEDULED' }, { status: 'RUNNING', startedTime: now, lastLineOkAt: now });
      continue;
    }
    if (task.status !== 'RUNNING') return task.status === 'STOPPED' ? 'stopped' : task.status === 'CANCELLED' ? 'cancelled' : task.status === 'FAILED' ? 'failed' : 'completed';
    const until = nextCallingWindow(now, deps.compliance.timeZone, deps.compliance.window);
    if (until) {
      await deps.jobs.enqueue(CALL_TASK_RUN_JOB, { taskId }, { runAt: until, uniqueKey: `call-task:${taskId}:${until.getTime()}` });
      deps.log?.({ taskId, until }, 'call task waits for the calling window');
      return 'waiting';
    }
    if (Date.now() - lastUnknownSweep > 2000) {
      lastUnknownSweep = Date.now();
      await settleUnknowns(deps, em, taskId);
    }
    // The task's devices are read again every few seconds (a device disabled meanwhile), not on every line freed.
    if (!devices || Date.now() - devicesReadAt > 5000) {
      devices = await taskDevices(em, task.id);
      devicesReadAt = Date.now();
    }
    const sw = deps.switch;
    const connected = Boolean(sw?.connected());
    const nowMs = now.getTime();
    const usable = connected ? devices.filter((d) => !deps.lines.failing(d.id, nowMs)) : [];
    const freeLines = usable.reduce((n, d) => n + Math.max(0, d.lineCount - deps.lines.busy(d.id)), 0);
    const freeAgents = task.mode === 'robot' ? null : await freeAgentCount(em, task, now);
    const want = callsToPlace({ freeLines, freeAgents, answerRate: 1, abandonRate: 0 });

    const due = await em.find(
      CallTaskPhoneSchema,
      { task: task.id, status: 'pending', $or: [{ nextAttemptAt: null }, { nextAttemptAt: { $lte: now } }] },
      { orderBy: { id: 'asc' }, limit: Math.max(1, want) },
    );
    if (due.length === 0) {
      const open = await em.find(CallTaskPhoneSchema, { task: task.id, status: { $in: ['pending', 'dialing', 'unknown'] } }, { fields: ['status', 'nextAttemptAt'], orderBy: { nextAttemptAt: 'asc' } });
      if (open.length === 0) {
        if (await completeIfDone(em, task.id, now)) await notifyTaskFinished(em, deps.notifier, task.id);
        return 'completed';
      }
      if (open.some((p) => p.status !== 'pending')) {
        await deps.lines.waitForLine(1000);
        continue;
      }
      const next = open[0]!.nextAttemptAt ?? now;
      await deps.jobs.enqueue(CALL_TASK_RUN_JOB, { taskId }, { runAt: next, uniqueKey: `call-task:${taskId}:${next.getTime()}` });
      return 'waiting';
    }
    if (want === 0) {
      if (!connected || usable.length === 0) {
        if (nowMs - (task.lastLineOkAt ?? task.startedTime ?? now).getTime() > NO_LINE_FAIL_MS) {
          await em.nativeUpdate(CallTaskSchema, { id: task.id, status: 'RUNNING' }, { status: 'FAILED', completedTime: now, failureReason: connected ? '10 分钟内没有可用线路（网关或线路故障）' : '10 分钟内交换机不可用' });
          await notifyTaskFinished(em, deps.notifier, task.id);
          return 'failed';
        }
      }
      await deps.lines.waitForLine(connected ? 1000 : 2000);
      continue;
    }
    const allowed = await screen(deps, em, due, now);
    for (const phone of allowed) {
      const callId = randomUUID();
      // The line is taken before any await, so no other dialler of the process can take it meanwhile.
      const device = takeLine(deps.lines, usable, deps.clock.now().getTime(), callId);
      if (!device) break;
      // CPS: wait for the device's next originate slot before claiming (a STOP meanwhile is seen by the claim).
      const free = deps.lines.nextSlot(device.id);
      if (free > Date.now()) await sleep(free - Date.now());
      const claimed = await claimAttempt(deps, task, phone, device, callId, lineNumbers).catch((err: unknown) => {
        deps.lines.release(callId);
        throw err;
      });
      if (claimed === 'not_running') {
        deps.lines.release(callId);
        break;
      }
      if (!claimed) {
        deps.lines.release(callId);
        continue;
      }
      // The slot is reserved as the originate leaves (another task's dialler may have taken the one we waited for).
      const slot = deps.lines.reserveSlot(device.id, Date.now());
      if (slot > Date.now()) await sleep(slot - Date.now());
      void place(deps, task, device, phone, claimed).catch((err: unknown) => deps.log?.({ err, taskId }, 'placing a task call failed'));
    }
  }
  await deps.jobs.enqueue(CALL_TASK_RUN_JOB, { taskId }, { uniqueKey: `call-task:${taskId}:${Date.now()}` });
  return 'budget';
}

/** Devices of the task (or every device not disabled), with their line counts. */
async function taskDevices(em: EntityManager, taskId: number): Promise<GatewayDevice[]> {
  const chosen = await em.find(CallTaskDeviceSchema, { task: taskId }, { fields: ['device'] });
  const where = chosen.length ? { id: { $in: chosen.map((c) => c.device.id) }, status: { $ne: 'disabled' as const } } : { status: { $ne: 'disabled' as const } };
  return em.find(GatewayDeviceSchema, where, { orderBy: { id: 'asc' } });
}

/** Takes a line on the device with the most free lines that is not failing (ties: the lowest id). */
function takeLine(lines: LineBook, devices: GatewayDevice[], nowMs: number, callId: string): GatewayDevice | null {
  let best: GatewayDevice | null = null;
  let bestFree = 0;
  for (const d of devices) {
    if (lines.failing(d.id, nowMs)) continue;
    const free = d.lineCount - lines.busy(d.id);
    if (free > bestFree) {
      best = d;
      bestFree = free;
    }
  }
  return best && lines.tryTake(best.id, best.lineCount, callId) ? best : null;
}

/**
 * Compliance through the one ledger on every dial: refused numbers are `skipped` with the reason (blacklisted,
 * opted out, no consent, the monthly marketing call); the carrier caps defer a number to when its oldest call
 * leaves the window. Returns the numbers that may be dialled now.
 */
async function screen(deps: DiallerDeps, em: EntityManager, due: CallTaskPhone[], now: Date): Promise<CallTaskPhone[]> {
  const results = await checkCompliance(em, { phones: due.map((p) => p.phone), channel: 'call', purpose: 'marketing', subjectType: 'call_task_phone', subjectIds: due.map((p) => String(p.id)) }, deps.compliance, now);
  const allowed: CallTaskPhone[] = [];
  due.forEach((phone, i) => {
    const v = results[i]!.verdict;
    if (v.kind === 'allow') allowed.push(phone);
    else if (v.kind === 'refuse') Object.assign(phone, { status: 'skipped', skipReason: v.reason });
    else phone.nextAttemptAt = v.until;
  });
  await em.flush();
  return allowed;
}

type Claimed = { callId: string; attempt: number; callerId: string | null };

/**
 * The attempt is claimed and recorded in one transaction before the originate leaves: the task must still
 * be RUNNING (read under a share lock, so a STOP or cancel waits for this claim to commit and every claim
 * after it sees the new status: no dial starts after STOP answered), the number moves `pending → dialing`
 * only if it is still pending (a conditional update: two diallers never both claim it) and its `calls` row
 * is written with our call id. A crash after this commit never redials: the number is `dialing` without a
 * live dialler, and recovery settles it as `unknown`.
 */
async function claimAttempt(deps: DiallerDeps, task: CallTask, phone: CallTaskPhone, device: GatewayDevice, callId: string, lineNumbers: Map<number, string | null>): Promise<Claimed | 'not_running' | null> {
  const now = deps.clock.now();
  if (!task.callerId && !lineNumbers.has(device.id)) lineNumbers.set(device.id, await lineNumber(deps.fork(), device.id));
  const callerId = task.callerId ?? lineNumbers.get(device.id) ?? deps.defaultCallerId;
  const caller = callerId ? normalizePhone(callerId) : null;
  return deps.fork().transactional(async (tx) => {
    const running = await tx.findOne(CallTaskSchema, { id: task.id, status: 'RUNNING' }, { fields: ['id'], lockMode: LockMode.PESSIMISTIC_READ });
    if (!running) return 'not_running' as const;
    const attempt = phone.attempts + 1;
    const n = await tx.nativeUpdate(CallTaskPhoneSchema, { id: phone.id, status: 'pending', attempts: phone.attempts }, { status: 'dialing', attempts: attempt, lastCallId: callId, lastAttemptAt: now, nextAttemptAt: null });
    if (n !== 1) return null;
    tx.create(CallSchema, {
      uuid: callId,
      direction: 'outbound',
      source: 'task',
      task: task.id,
      taskPhone: phone.id,
      attempt,
      deviceId: device.id,
      caller: caller?.e164 ?? null,
      callerLast8: caller?.last8 ?? null,
      callee: phone.phone,
      calleeLast8: phone.phoneLast8,
      startedAt: now,
    });
    await tx.flush();
    return { callId, attempt, callerId: caller ? dialString(caller.e164) : null };
  });
}

async function lineNumber(em: EntityManager, deviceId: number): Promise<string | null> {
  const line = await em.findOne(GatewayLineSchema, { device: deviceId, number: { $ne: null } }, { orderBy: { port: 'asc' } });
  return line?.number ?? null;
}

/** Originates the claimed attempt and records what the switch answered. */
async function place(deps: DiallerDeps, task: CallTask, device: GatewayDevice, phone: CallTaskPhone, claimed: Claimed): Promise<void> {
  const sw = deps.switch!;
  const result = await sw.originate({
    callId: claimed.callId,
    gateway: device.name,
    number: dialString(phone.phone),
    callerId: claimed.callerId,
    timeoutSec: deps.ringSeconds,
    vars: { salesops_task_id: task.id, salesops_mode: task.mode, salesops_attempt: claimed.attempt },
    destination: deps.destination(task),
  });
  const em = deps.fork();
  const now = deps.clock.now();
  if (result.kind === 'answered') {
    await em.nativeUpdate(CallSchema, { uuid: claimed.callId, answeredAt: null, endedAt: null }, { answeredAt: now });
    return;
  }
  if (result.kind === 'unknown') {
    await em.nativeUpdate(CallSchema, { uuid: claimed.callId, endedAt: null }, { outcome: 'unknown' });
    await em.nativeUpdate(CallTaskPhoneSchema, { id: phone.id, status: 'dialing', lastCallId: claimed.callId }, { status: 'unknown' });
    deps.log?.({ taskId: task.id, callId: claimed.callId, reason: result.reason }, 'originate result lost: the call is unknown until its channel reports');
    return;
  }
  const settled = await settleCall(em, { callId: claimed.callId, endedAt: now, hangupCause: result.cause, answeredAt: null, recordingPath: null, digit: null, vars: {} }, now);
  deps.lines.release(claimed.callId);
  if (settled?.call.outcome === 'line_failed') deps.lines.markFailing(device.id, now.getTime());
  if (settled?.completed) await notifyTaskFinished(em, deps.notifier, task.id);
}

/** At the start of a run: attempts left `dialing` by a dialler that is gone become `unknown` (never redialled). */
async function recoverLostAttempts(deps: DiallerDeps, taskId: number): Promise<void> {
  const em = deps.fork();
  const lost = (await em.find(CallTaskPhoneSchema, { task: taskId, status: 'dialing' })).filter((p) => !p.lastCallId || !deps.lines.holds(p.lastCallId));
  for (const p of lost) {
    await em.nativeUpdate(CallTaskPhoneSchema, { id: p.id, status: 'dialing' }, { status: 'unknown' });
    if (p.lastCallId) await em.nativeUpdate(CallSchema, { uuid: p.lastCallId, endedAt: null }, { outcome: 'unknown' });
  }
  if (lost.length) deps.log?.({ taskId, count: lost.length }, 'attempts of a dialler that is gone are unknown until settled');
}

/**
 * Unknown attempts: while the switch has the channel, it holds a line and its hangup event settles it; when
 * the switch says the channel does not exist, the attempt is final (`failed`, OUTCOME_UNKNOWN) — whether it
 * rang cannot be known, so it is never dialled again.
 */
async function settleUnknowns(deps: DiallerDeps, em: EntityManager, taskId: number): Promise<void> {
  const sw = deps.switch;
  if (!sw?.connected()) return;
  const unknown = await em.find(CallTaskPhoneSchema, { task: taskId, status: 'unknown' }, { limit: 50 });
  for (const p of unknown) {
    if (!p.lastCallId) continue;
    const exists = await sw.channelExists(p.lastCallId);
    const call = await em.findOne(CallSchema, { uuid: p.lastCallId });
    if (exists === true) {
      if (call?.deviceId && !deps.lines.holds(p.lastCallId)) deps.lines.take(call.deviceId, p.lastCallId);
      continue;
    }
    if (exists === false) {
      const now = deps.clock.now();
      const settled = await settleCall(deps.fork(), { callId: p.lastCallId, endedAt: now, hangupCause: 'OUTCOME_UNKNOWN', answeredAt: call?.answeredAt ?? null, recordingPath: null, digit: null, vars: {} }, now);
      deps.lines.release(p.lastCallId);
      if (settled?.completed) await notifyTaskFinished(em, deps.notifier, taskId);
    }
  }
}
