import { LockMode, type EntityManager } from '@mikro-orm/core';
import { CallSchema } from '../calls/call.entity.js';
import { GatewayDeviceSchema } from '../voice-gateways/gateway-device.entity.js';

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
 * line book holds there — the claim under way included) plus the device's other calls in flight fit its
 * lines. Those other calls are read from `calls`: task calls of the device not ended, started less than
 * LINE_HOLD_MAX_MS ago (by `now`, the clock that wrote `started_at`), neither held here nor `ended` — calls
 * whose hangup this process heard (or whose line its book let go) while their row may not be settled yet.
 * Whatever process placed them and whoever dials their task now: a task this process has just taken over
 * still has the dead dialler's calls ringing, and a process restarted under its worker name has the calls
 * of its previous life.
 *
 * Attempts claimed ahead of a line (dial-pump.ts) have a row from their claim on and count for every other
 * process like a call in flight. The process that claimed them leaves them out of its own count (`armed`):
 * each takes a line of its book only when one of its calls on the device ends. A claim ahead (`ahead`) is
 * allowed only while no other process has a call on the device, so its lines are all this process's calls:
 * its row makes the device's rows one more than its lines, which refuses every other process's claim until
 * one of those calls ends — and that line goes to the attempt claimed ahead. Calls in flight never exceed
 * the lines, in any mix of processes.
 */
export async function deviceLineFree(
  tx: EntityManager,
  input: { deviceId: number; held: () => string[]; ended: () => string[]; armed?: () => string[]; ahead?: boolean; now: Date },
): Promise<boolean> {
  const device = await tx.findOne(GatewayDeviceSchema, { id: input.deviceId }, { fields: ['lineCount'], lockMode: LockMode.PESSIMISTIC_WRITE });
  if (!device) return false;
  // The book is read after the lock: lines freed here while this claim waited for it are free, and an attempt
  // claimed ahead meanwhile (its row may have committed while this claim waited) is this process's, not another's.
  const held = input.held();
  const skip = [...held, ...input.ended(), ...(input.armed?.() ?? [])];
  const others = await tx.count(CallSchema, {
    deviceId: input.deviceId,
    source: 'task',
    endedAt: null,
    startedAt: { $gt: new Date(input.now.getTime() - LINE_HOLD_MAX_MS) },
    ...(skip.length ? { uuid: { $nin: skip } } : {}),
  });
  return input.ahead ? others === 0 : held.length + others <= device.lineCount;
}
