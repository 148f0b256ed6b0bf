import { IsolationLevel, LockMode, type EntityManager, type TransactionOptions } from '@mikro-orm/core';
import { SqlitePlatform } from '@mikro-orm/sql';
import { CallSchema } from '../calls/call.entity.js';
import { GatewayDeviceSchema } from '../voice-gateways/gateway-device.entity.js';
import { CallTaskSchema } from './call-task.entity.js';

/**
 * How long a task call not ended holds a line in the count below, from its start. A call's row ends with its
 * hangup (heard by every process) or is settled by the next run of its task (a dead dialler's attempts are
 * marked `unknown` and ended once `uuid_exists` says the channel is gone). A row nobody will settle — its
 * process died and its task is not run again (stopped, cancelled), or its hangup came while no process
 * listened — must not keep a line for ever: after an hour it no longer counts. A real call longer than that
 * may be joined by one call more than the lines; the gateway refuses it (no free port).
 */
export const LINE_HOLD_MAX_MS = 60 * 60_000;

/**
 * The lines of a gateway device across the deployment's processes, checked inside the claim's transaction
 * (the caller's). The device row is locked (`SELECT … FOR UPDATE` on MariaDB; SQLite has one writer), so
 * the claims of every process on one device pass here one at a time and each sees the calls the ones
 * before it committed. A line is free when this process's calls on the device (`held`: the call ids its
 * line book holds there — the claim under way included, a call whose hangup it heard, not yet settled, no
 * longer) plus the other processes' calls in flight there fit the device's lines. Those other calls are
 * read from `calls`: task calls of the device not ended, started less than LINE_HOLD_MAX_MS ago (by `now`,
 * the clock that wrote `started_at`), neither in this process's book nor of a task this process dials
 * (`owner`, the task's lease: such calls are in the book or ended — after a restart under the same worker
 * name, once its run has adopted them).
 */
export async function deviceLineFree(
  tx: EntityManager,
  input: { deviceId: number; owner: string; held: () => string[]; now: Date },
): Promise<boolean> {
  const device = await tx.findOne(GatewayDeviceSchema, { id: input.deviceId }, { fields: ['lineCount'], lockMode: LockMode.PESSIMISTIC_WRITE });
  if (!device) return false;
  // The book is read after the lock: lines freed here while this claim waited for it are free.
  const held = input.held();
  const open = await tx.find(
    CallSchema,
    { deviceId: input.deviceId, source: 'task', endedAt: null, startedAt: { $gt: new Date(input.now.getTime() - LINE_HOLD_MAX_MS) }, ...(held.length ? { uuid: { $nin: held } } : {}) },
    { fields: ['uuid', 'task'] },
  );
  if (held.length + open.length <= device.lineCount) return true;
  const tasks = [...new Set(open.map((c) => c.task).filter((id) => id !== null && id !== undefined))];
  const ours = new Set((await tx.find(CallTaskSchema, { id: { $in: tasks }, diallerOwner: input.owner }, { fields: ['id'] })).map((t) => t.id));
  const others = open.filter((c) => c.task === null || c.task === undefined || !ours.has(c.task)).length;
  return held.length + others <= device.lineCount;
}

/**
 * The claim's transaction: READ COMMITTED on MariaDB, so the count after the device's lock sees every claim
 * committed before it (not a snapshot from the transaction's start); SQLite's one writer needs nothing.
 */
export function claimIsolation(em: EntityManager): TransactionOptions {
  return em.getPlatform() instanceof SqlitePlatform ? {} : { isolationLevel: IsolationLevel.READ_COMMITTED };
}
