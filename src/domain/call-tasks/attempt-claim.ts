import { LockMode, type EntityManager } from '@mikro-orm/core';
import type { SqlEntityManager } from '@mikro-orm/sql';
import { readCommitted } from '../../db/read-committed.js';
import { CallSchema } from '../calls/call.entity.js';
import { normalizePhone } from '../shared/phone.js';
import type { GatewayDevice } from '../voice-gateways/gateway-device.entity.js';
import { GatewayLineSchema } from '../voice-gateways/gateway-line.entity.js';
import { CallTaskPhoneSchema, type CallTaskPhone } from './call-task-phone.entity.js';
import { CallTaskSchema, type CallTask } from './call-task.entity.js';
import { deviceLineFree } from './device-lines.js';
import type { DiallerDeps } from './dialler.js';

/** A claimed attempt: its call id, its attempt number and the caller id it goes out with (as the gateway dials it). */
export type Claimed = { callId: string; attempt: number; callerId: string | null };

/** The number as the gateway dials it: mobiles and 400 numbers as they are, landlines with the trunk 0. */
export function dialString(e164: string): string {
  const p = normalizePhone(e164);
  if (!p) return e164.replace(/\D/g, '');
  return p.kind === 'landline' ? `0${p.national}` : p.national;
}

/**
 * The attempt is claimed and recorded in one transaction before the originate leaves: the task must still
 * be RUNNING (read under a share lock, so a STOP or cancel waits for this claim to commit and every claim
 * after it sees the new status: no dial starts after STOP answered), the number moves `pending → dialing`
 * only if it is still pending with the attempts we screened (a conditional update: two diallers never both
 * claim it) and its `calls` row is written with our call id. The device row is locked and its calls of every
 * process counted first (device-lines.ts): `no_line` when they fill its lines. A crash after this commit
 * never redials: the number is `dialing` without a live dialler, and recovery settles it as `unknown`.
 *
 * `ahead`: the attempt is claimed ahead of a line (dial-pump.ts), while every line of the device carries this
 * process's calls; it is refused (`no_line`) when another process has a call on the device, and its row is
 * `claimed_ahead` until `letGoAhead`. `armed`: this process's attempts claimed ahead (read after the device's
 * lock, as the line book is: one claimed ahead while this claim waited is this process's, not another's), left
 * out of the device's count (each takes a line only when one of this process's calls on the device ends).
 */
export async function claimAttempt(
  deps: DiallerDeps,
  task: CallTask,
  phone: CallTaskPhone,
  device: GatewayDevice,
  callId: string,
  lineNumbers: Map<number, string | null>,
  options: { ahead: boolean; armed: () => string[] },
): Promise<Claimed | 'not_running' | 'no_line' | null> {
  const now = deps.clock.now();
  if (!task.callerId && !lineNumbers.has(device.id)) lineNumbers.set(device.id, await lineNumber(deps.fork(), device.id));
  const callerId = task.callerId ?? lineNumbers.get(device.id) ?? deps.defaultCallerId;
  const caller = callerId ? normalizePhone(callerId) : null;
  const em = deps.fork();
  // READ COMMITTED on MariaDB: the device count after its lock sees every claim committed before it.
  return em.transactional(async (tx) => {
    // …and still this process's to dial (task-lease.ts): a process whose task was taken over claims nothing more.
    const running = await tx.findOne(CallTaskSchema, { id: task.id, status: 'RUNNING', ...deps.leases.fence() }, { fields: ['id'], lockMode: LockMode.PESSIMISTIC_READ });
    if (!running) return 'not_running' as const;
    const lines = { deviceId: device.id, held: () => deps.lines.held(device.id), ended: () => deps.lines.endedOn(device.id), armed: options.armed, ahead: options.ahead, now };
    if (!(await deviceLineFree(tx, lines))) return 'no_line' as const;
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
      claimedAhead: options.ahead,
    });
    await tx.flush();
    return { callId, attempt, callerId: caller ? dialString(caller.e164) : null };
  }, readCommitted(em));
}

/** What a number had before an attempt claimed ahead, restored when that attempt is given back. */
export type Before = { attempts: number; lastCallId: string | null; lastAttemptAt: Date | null };

/**
 * An attempt claimed ahead that will not be dialled (the run halts, the task stopped, its device failed, or
 * its process died before letting it go) is given back in one transaction: its `calls` row is deleted only
 * while it is still `claimed_ahead` (never once `letGoAhead` has cleared it: that originate may have left),
 * and then the number is `pending` again (`cancelled` when the task is) with what it had before. False when
 * the attempt was let go meanwhile (nothing is changed).
 */
export async function giveBackAttempt(em: EntityManager, phoneId: number, callId: string, before: Before): Promise<boolean> {
  return em.fork().transactional(async (tx) => {
    const deleted = await tx.nativeDelete(CallSchema, { uuid: callId, claimedAhead: true, answeredAt: null, endedAt: null });
    if (deleted !== 1) return false;
    // Under a share lock: a cancel committing first is seen here (the number is cancelled, as cancel does
    // with every pending one); one committing after finds the number pending and cancels it itself.
    const phone = await tx.findOne(CallTaskPhoneSchema, { id: phoneId }, { fields: ['task'] });
    const task = phone ? await tx.findOne(CallTaskSchema, { id: phone.task.id }, { fields: ['status'], lockMode: LockMode.PESSIMISTIC_READ }) : null;
    const cancelled = task?.status === 'CANCELLED';
    await tx.nativeUpdate(
      CallTaskPhoneSchema,
      { id: phoneId, status: 'dialing', lastCallId: callId },
      { status: cancelled ? 'cancelled' : 'pending', skipReason: cancelled ? 'CANCELLED' : null, ...before, nextAttemptAt: null },
    );
    return true;
  });
}

/**
 * The originate of an attempt claimed ahead is let go: one statement clears its `claimed_ahead` — only while
 * the task is still RUNNING and this process's (a STOP, cancel or takeover since the claim keeps it from
 * leaving: false) — and commits before the originate leaves, so a row still `claimed_ahead` after a crash was
 * never dialled and is given back (`giveBackAttempt`), never settled as unknown.
 */
export async function letGoAhead(deps: DiallerDeps, taskId: number, callId: string): Promise<boolean> {
  const em = deps.fork() as SqlEntityManager;
  const { diallerOwner } = deps.leases.fence();
  const result = await em.getConnection().execute<{ affectedRows: number }>(
    'update calls set claimed_ahead = 0 where uuid = ? and claimed_ahead = 1 and exists (select 1 from t_call_task t where t.id = ? and t.status = ? and t.dialler_owner = ?)',
    [callId, taskId, 'RUNNING', diallerOwner],
    'run',
  );
  return result.affectedRows === 1;
}

async function lineNumber(em: EntityManager, deviceId: number): Promise<string | null> {
  const line = await em.findOne(GatewayLineSchema, { device: deviceId, number: { $ne: null } }, { orderBy: { port: 'asc' } });
  return line?.number ?? null;
}
