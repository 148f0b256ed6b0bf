import type { EntityManager } from '@mikro-orm/core';
import type { ApprovalService } from '../approvals/approval.service.js';
import { authorize, type Actor } from '../auth/actor.js';
import type { LiveCalls } from '../calls/live-calls.js';
import type { BoardProgress, BoardSnapshot } from './board-snapshot.js';
import type { BoardPulse } from './board-pulse.js';
import { importsInProgress, runningCallTasks, runningSmsBatches, staffStatuses, todayFigures } from './board.query.js';

export type BoardDeps = { liveCalls: LiveCalls; approvals: ApprovalService; timeZone: string; /** Committed changes that call for a new snapshot. */ pulse: BoardPulse };

/** The permission the board asks: whoever may see calls may watch the board (numbers are masked). */
export const BOARD_PERMISSION = 'telephony:calls:view';

export async function boardSnapshot(em: EntityManager, actor: Actor, deps: BoardDeps, now = new Date()): Promise<BoardSnapshot> {
  authorize(actor, BOARD_PERMISSION, '查看实时看板');
  const calls = deps.liveCalls.list(now.getTime());
  const onCall = deps.liveCalls.staffOnCall();
  const [staff, today, progress, approvals] = await Promise.all([
    staffStatuses(em.fork(), now),
    todayFigures(em.fork(), now, deps.timeZone),
    boardProgress(em, actor),
    deps.approvals.isApprover(actor) ? deps.approvals.pendingFor(em.fork(), actor) : Promise.resolve([]),
  ]);
  return {
    at: now.toISOString(),
    staff: staff.map((s) => ({ ...s, onCall: onCall.has(s.id) })),
    calls,
    today,
    ...progress,
    approvals: approvals.map((a) => ({ kind: a.kind, id: a.id, title: a.title, submittedAt: a.submittedAt.toISOString(), lines: a.lines })),
  };
}

/** The board's progress bars alone (the stream's `progress` event): running SMS batches, call tasks and imports. */
export async function boardProgress(em: EntityManager, actor: Actor): Promise<BoardProgress> {
  authorize(actor, BOARD_PERMISSION, '查看实时看板');
  const [smsBatches, callTasks, imports] = await Promise.all([runningSmsBatches(em.fork()), runningCallTasks(em.fork()), importsInProgress(em.fork())]);
  return { smsBatches, callTasks, imports };
}
