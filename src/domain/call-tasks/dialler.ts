import type { EntityManager } from '@mikro-orm/core';
import { CallSchema } from '../calls/call.entity.js';
import type { ComplianceSettings } from '../compliance/compliance.service.js';
import { nextCallingWindow } from '../compliance/compliance.policy.js';
import type { Clock } from '../ports/clock.port.js';
import type { JobQueue } from '../ports/job-queue.port.js';
import type { Notifier } from '../ports/notifier.port.js';
import type { SwitchPort } from '../ports/switch.port.js';
import { GatewayDeviceSchema, type GatewayDevice } from '../voice-gateways/gateway-device.entity.js';
import { giveBackAttempt, type Before } from './attempt-claim.js';
import { completeIfDone, settleCall } from './attempt-outcome.js';
import { CALL_TASK_RUN_JOB } from './call-task-deps.js';
import { CallTaskDeviceSchema } from './call-task-device.entity.js';
import { CallTaskPhoneSchema } from './call-task-phone.entity.js';
import { CallTaskSchema, type CallTask } from './call-task.entity.js';
import { endTaskWithCard } from './completion-card.js';
import { DialPump } from './dial-pump.js';
import type { LineBook } from './line-book.js';
import { RunLease, type TaskLeases } from './task-lease.js';

export type DiallerDeps = {
  fork(): EntityManager;
  /** Undefined when telephony is off: a running task waits (and FAILs after 10 minutes without a line). */
  switch: SwitchPort | undefined;
  lines: LineBook;
  /** One dialler per task across processes (task-lease.ts). */
  leases: TaskLeases;
  clock: Clock;
  compliance: ComplianceSettings;
  jobs: JobQueue;
  notifier: Notifier;
  ringSeconds: number;
  /** Robot mode: claim a device's next attempt while its lines ring (dial-pump.ts); false: claim when a line frees. */
  claimAhead: boolean;
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

/** `leased`: another live process dials the task (or took it over from this run). */
export type RunResult = 'completed' | 'stopped' | 'cancelled' | 'failed' | 'waiting' | 'budget' | 'missing' | 'leased';

export type RunOptions = {
  budgetMs?: number;
  /** Queued by the lease's watch (task-lease.ts) to take over a task whose dialler died: dials only while that lease is expired. */
  lookAgain?: boolean;
};

/**
 * One run of a task's dialler (the Agenda job `call-task.run`): while the task is RUNNING and inside the
 * calling window, place as many calls as the pacer allows on the task's devices (lines per device, CPS per
 * device), each attempt claimed — its number moved to `dialing` and its `calls` row written in one
 * transaction — before the originate leaves. Returns when the task ends, stops, must wait (window, retry
 * time; the next run is queued) or the budget is used up (the next run is queued at once).
 */
export async function runCallTask(deps: DiallerDeps, taskId: number, options: RunOptions = {}): Promise<RunResult> {
  // One run per task in a process: a START right after a STOP may queue a run while the previous one is
  // still finishing its loop; the new run waits for it (it then finds what is left, or the task done).
  // Across processes the task's lease decides (task-lease.ts); a watch's run only dials to take a dead one's task over.
  if (options.lookAgain && !(await deps.leases.expired(deps.fork(), taskId))) return 'leased';
  const previous = deps.lines.runs.get(taskId);
  const lease = new RunLease(deps.leases, deps.fork, taskId, deps.log);
  const run = (async () => {
    try {
      if (previous) await previous.catch(() => undefined);
      if (!(await lease.take())) {
        // Refused: the holder may still die; the watch then takes the task over.
        await deps.leases.watch(deps.jobs, taskId, await deps.leases.leaseEnd(deps.fork(), taskId));
        deps.log?.({ taskId }, 'call task dialled by another process');
        return 'leased' as const;
      }
      if (options.lookAgain) deps.log?.({ taskId }, 'call task taken over from a dialler whose lease expired');
      await deps.leases.watch(deps.jobs, taskId, new Date(Date.now() + deps.leases.leaseMs));
      const result = await runOnce(deps, taskId, options, lease);
      // A START after the STOP this run saw, its run refused while this one still held the task: run it again.
      if ((await lease.end()) && result === 'stopped') await deps.jobs.enqueue(CALL_TASK_RUN_JOB, { taskId }, { uniqueKey: `call-task:${taskId}:${Date.now()}` });
      return result;
    } finally {
      await lease.end().catch(() => undefined);
    }
  })();
  deps.lines.runs.set(taskId, run);
  try {
    return await run;
  } finally {
    if (deps.lines.runs.get(taskId) === run) deps.lines.runs.delete(taskId);
  }
}

async function runOnce(deps: DiallerDeps, taskId: number, options: RunOptions, lease: RunLease): Promise<RunResult> {
  const started = Date.now();
  const budget = options.budgetMs ?? 4 * 60_000;
  await recoverLostAttempts(deps, taskId);
  // A dead dialler's calls still on the switch keep their lines here until they end.
  const adopted = await lease.adoptInFlight(deps.lines);
  if (adopted > 0) deps.log?.({ taskId, adopted }, 'lines of a dead dialler\'s calls held until they end');
  const pump = new DialPump(deps, taskId);
  lease.onLost(() => void pump.halt());
  // Whatever way the run ends, no dial of it is left under way (its originate has left or its line is back).
  const end = async (result: RunResult) => (await pump.halt(), result);
  let lastUnknownSweep = 0;
  let devices: GatewayDevice[] | undefined;
  let devicesReadAt = 0;
  try {
    while (Date.now() - started < budget) {
      const em = deps.fork();
      const task = await em.findOne(CallTaskSchema, { id: taskId });
      if (!task) return await end('missing');
      if (lease.lost || task.diallerOwner !== deps.leases.owner) return await end('leased');
      const now = deps.clock.now();
      if (task.status === 'SCHEDULED') {
        await em.nativeUpdate(CallTaskSchema, { id: task.id, status: 'SCHEDULED' }, { status: 'RUNNING', startedTime: now, lastLineOkAt: now });
        continue;
      }
      if (task.status !== 'RUNNING') return await end(task.status === 'STOPPED' ? 'stopped' : task.status === 'CANCELLED' ? 'cancelled' : task.status === 'FAILED' ? 'failed' : 'completed');
      const until = nextCallingWindow(now, deps.compliance.timeZone, deps.compliance.window);
      if (until) {
        await pump.halt();
        await deps.jobs.enqueue(CALL_TASK_RUN_JOB, { taskId }, { runAt: until, uniqueKey: `call-task:${taskId}:${until.getTime()}` });
        deps.log?.({ taskId, until }, 'call task waits for the calling window');
        return 'waiting';
      }
      if (Date.now() - lastUnknownSweep > 2000) {
        lastUnknownSweep = Date.now();
        await settleUnknowns(deps, em, taskId);
        await lease.sweep(deps.lines);
      }
      // The task's devices are read again every few seconds (a device disabled meanwhile), not on every line freed.
      if (!devices || Date.now() - devicesReadAt > 5000) {
        devices = await taskDevices(em, task.id);
        devicesReadAt = Date.now();
      }
      pump.configure(task, devices);
      // Dialling itself is driven by the line book's events (a line frees → the pump claims and originates);
      // this loop only watches the task: status, window, numbers left, lines that never work.
      await pump.look();
      pump.pump();
      if (pump.drained) {
        const open = await em.find(CallTaskPhoneSchema, { task: task.id, status: { $in: ['pending', 'dialing', 'unknown'] } }, { fields: ['status', 'nextAttemptAt'], orderBy: { nextAttemptAt: 'asc' } });
        if (open.length === 0) {
          await pump.halt();
          // COMPLETED and the completion card queued in one transaction.
          const ended = await endTaskWithCard(em, deps.notifier, now, async (tx) => {
            const done = await completeIfDone(tx, task.id, now);
            return { result: done, ended: done ? task.id : null };
          });
          if (ended) deps.log?.({ taskId: task.id }, 'call task ended');
          return 'completed';
        }
        if (open.every((p) => p.status === 'pending' && p.nextAttemptAt && p.nextAttemptAt > now)) {
          await pump.halt();
          const next = open[0]!.nextAttemptAt!;
          await deps.jobs.enqueue(CALL_TASK_RUN_JOB, { taskId }, { runAt: next, uniqueKey: `call-task:${taskId}:${next.getTime()}` });
          return 'waiting';
        }
      }
      const connected = Boolean(deps.switch?.connected());
      const usable = connected ? devices.filter((d) => !deps.lines.failing(d.id, now.getTime())) : [];
      if (usable.length === 0 && !pump.drained && now.getTime() - (task.lastLineOkAt ?? task.startedTime ?? now).getTime() > NO_LINE_FAIL_MS) {
        await pump.halt();
        const failureReason = connected ? '10 分钟内没有可用线路（网关或线路故障）' : '10 分钟内交换机不可用';
        const failed = await endTaskWithCard(em, deps.notifier, now, async (tx) => {
          const n = await tx.nativeUpdate(CallTaskSchema, { id: task.id, status: 'RUNNING' }, { status: 'FAILED', completedTime: now, failureReason });
          return { result: n === 1, ended: n === 1 ? task.id : null };
        });
        if (failed) deps.log?.({ taskId: task.id, failureReason }, 'call task ended');
        return 'failed';
      }
      await pump.attention(connected ? 1000 : 2000);
    }
  } finally {
    await pump.halt();
  }
  // The task is given back before its next run is queued: that run, in whichever process, takes it at once.
  await lease.end();
  await deps.jobs.enqueue(CALL_TASK_RUN_JOB, { taskId }, { uniqueKey: `call-task:${taskId}:${Date.now()}` });
  return 'budget';
}

/** Devices of the task (or every device not disabled), with their line counts. */
async function taskDevices(em: EntityManager, taskId: number): Promise<GatewayDevice[]> {
  const chosen = await em.find(CallTaskDeviceSchema, { task: taskId }, { fields: ['device'] });
  const where = chosen.length ? { id: { $in: chosen.map((c) => c.device.id) }, status: { $ne: 'disabled' as const } } : { status: { $ne: 'disabled' as const } };
  return em.find(GatewayDeviceSchema, where, { orderBy: { id: 'asc' } });
}

/**
 * At the start of a run: attempts left `dialing` by a dialler that is gone. One whose call row is still
 * `claimed_ahead` never left (dial-pump.ts lets an originate go only after clearing it): it is given back,
 * the number pending again with the attempts and last call it had before. The others may have left: they
 * become `unknown` (never redialled).
 */
async function recoverLostAttempts(deps: DiallerDeps, taskId: number): Promise<void> {
  const em = deps.fork();
  // Not lost: this process's calls in flight (their lines held here) and calls whose hangup this process heard
  // while their settle is still under way (a slow commit; the previous run of this process placed them).
  const lost = (await em.find(CallTaskPhoneSchema, { task: taskId, status: 'dialing' })).filter((p) => !p.lastCallId || (!deps.lines.holds(p.lastCallId) && !deps.lines.heardEnd(p.lastCallId)));
  // One read finds the attempts claimed ahead among them; only those are candidates for giving back.
  const ids = lost.map((p) => p.lastCallId).filter((id): id is string => Boolean(id));
  const ahead = new Set(ids.length ? (await em.find(CallSchema, { uuid: { $in: ids }, claimedAhead: true }, { fields: ['uuid'] })).map((c) => c.uuid) : []);
  let givenBack = 0;
  for (const p of lost) {
    if (p.lastCallId && ahead.has(p.lastCallId) && (await giveBackAttempt(em, p.id, p.lastCallId, await attemptBefore(em, p.id, p.lastCallId)))) {
      givenBack += 1;
      continue;
    }
    await em.nativeUpdate(CallTaskPhoneSchema, { id: p.id, status: 'dialing' }, { status: 'unknown' });
    if (p.lastCallId) await em.nativeUpdate(CallSchema, { uuid: p.lastCallId, endedAt: null }, { outcome: 'unknown' });
  }
  if (lost.length > givenBack) deps.log?.({ taskId, count: lost.length - givenBack }, 'attempts of a dialler that is gone are unknown until settled');
  if (givenBack) deps.log?.({ taskId, count: givenBack }, 'attempts a dialler that is gone had claimed ahead and never dialled are pending again');
}

/** What the number had before the attempt `callId`: its attempts then, and its previous call (the one before, if any). */
async function attemptBefore(em: EntityManager, phoneId: number, callId: string): Promise<Before> {
  const previous = await em.findOne(CallSchema, { taskPhone: phoneId, uuid: { $ne: callId } }, { orderBy: { attempt: 'desc' }, fields: ['uuid', 'attempt', 'startedAt'] });
  const claimed = await em.findOne(CallSchema, { uuid: callId }, { fields: ['attempt'] });
  return { attempts: Math.max(0, (claimed?.attempt ?? 1) - 1), lastCallId: previous?.uuid ?? null, lastAttemptAt: previous?.startedAt ?? null };
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
      // Its hangup may have come while the switch was asked: then it holds no line (its settle is under way).
      if (call?.deviceId && !deps.lines.holds(p.lastCallId) && !deps.lines.heardEnd(p.lastCallId)) deps.lines.take(call.deviceId, p.lastCallId);
      continue;
    }
    if (exists === false) {
      const now = deps.clock.now();
      const callId = p.lastCallId;
      const settled = await endTaskWithCard(deps.fork(), deps.notifier, now, async (tx) => {
        const s = await settleCall(tx, { callId, endedAt: now, hangupCause: 'OUTCOME_UNKNOWN', answeredAt: call?.answeredAt ?? null, recordingPath: null, digit: null, vars: {} }, now);
        return { result: s, ended: s?.completed ? taskId : null };
      });
      deps.lines.release(callId);
      if (settled?.completed) deps.log?.({ taskId }, 'call task ended');
    }
  }
}
