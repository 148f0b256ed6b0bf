import { LockMode, type EntityManager } from '@mikro-orm/core';
import { CallSchema } from '../calls/call.entity.js';
import { commitWithNotices, type Notice } from '../notifications/notices.js';
import type { Notifier } from '../ports/notifier.port.js';
import { CallTaskSchema } from './call-task.entity.js';
import { skipReasons, taskStats } from './call-task.queries.js';

const REASONS: Record<string, string> = {
  BLACKLISTED: '黑名单',
  OPTED_OUT: '已退订',
  NO_CONSENT: '未授权营销',
  FREQUENCY_CAP: '超出呼叫频次',
  INVALID_NUMBER: '号码无效',
  CANCELLED: '已取消',
};

/**
 * When a task ends (COMPLETED or FAILED), its creator gets a card: dialled / answered / abandoned /
 * intended / skipped with reasons. While answered calls still wait for their analysis the card waits too
 * (so "intended" counts their leads): the after-call job of the last of them sends it. The card is claimed
 * (`completion_card_at` null → now, a conditional update of the ended task) and queued in the outbox in the
 * transaction of `tx`, so both commit or neither: exactly once, and never claimed without being queued.
 * Called in the transaction that ends the task (a crash after its commit loses nothing) and in the
 * after-call job's own one after each analysis (the job runs again after a crash). Returns the notice to
 * queue in that transaction (none: not ended, analyses pending, already claimed, or no creator).
 */
export async function claimCompletionCard(tx: EntityManager, taskId: number, now: Date): Promise<Notice[]> {
  // A locking read: it sees an analysis committed after this transaction's snapshot was taken (one
  // finishing while the task ends), and an analysis still pending stays so until this commits — its
  // after-call job then finds the task ended.
  const pending = await tx.findOne(CallSchema, { task: taskId, analysisStatus: { $in: ['PENDING', 'PROCESSING'] } }, { fields: ['id'], lockMode: LockMode.PESSIMISTIC_READ });
  if (pending) return [];
  const claimed = await tx.nativeUpdate(CallTaskSchema, { id: taskId, status: { $in: ['COMPLETED', 'FAILED'] }, completionCardAt: null, createdBy: { $ne: null } }, { completionCardAt: now });
  if (claimed !== 1) return [];
  const task = await tx.findOneOrFail(CallTaskSchema, { id: taskId }, { refresh: true });
  // Read in the transaction: the figures include what the transaction that ends the task wrote.
  const stats = (await taskStats(tx, [taskId])).get(taskId)!;
  const skipped = await skipReasons(tx, taskId);
  const reasons = skipped.map((r) => `${REASONS[r.reason ?? ''] ?? r.reason ?? '其他'} ${r.n}`).join('，') || '无';
  const failed = task.status === 'FAILED';
  return [
    {
      staffId: task.createdBy!,
      notification: {
        kind: 'text',
        title: failed ? `❌ 外呼任务失败：${task.name}` : `✅ 外呼任务完成：${task.name}`,
        text: [
          `任务编号：${task.id}`,
          ...(failed ? [`原因：${task.failureReason ?? '未知'}`] : []),
          `外呼次数：${stats.totalCalls}`,
          `接通：${stats.successfulCalls}`,
          `放弃：${stats.abandonedCalls}（放弃率 ${(stats.abandonRate * 100).toFixed(1)}%）`,
          `意向客户：${stats.intendedCustomers}`,
          `跳过：${stats.skipped}（${reasons}）`,
        ].join('\n'),
      },
    },
  ];
}

/**
 * Ends a task and queues its completion card in one transaction: `end` writes through `tx` and names the
 * task it ended (null: none). It runs in `em`'s transaction when `em` holds one (that commit decides;
 * the caller nudges the deliverer after it), else in a transaction of its own on a fork of `em`. Nothing
 * in `end` may use another connection (on SQLite the transaction holds the only one).
 */
export async function endTaskWithCard<T>(em: EntityManager, notifier: Notifier, now: Date, end: (tx: EntityManager) => Promise<{ result: T; ended: number | null }>): Promise<T> {
  const tx = em.isInTransaction() ? em : em.fork();
  return commitWithNotices(tx, notifier, async () => {
    const { result, ended } = await end(tx);
    return { result, notices: ended ? await claimCompletionCard(tx, ended, now) : [] };
  });
}

/** The card of a task that has already ended (the after-call job, after an analysis): claimed and queued in one transaction. */
export function notifyTaskFinished(em: EntityManager, notifier: Notifier, taskId: number, now = new Date()): Promise<void> {
  return endTaskWithCard(em, notifier, now, async () => ({ result: undefined, ended: taskId }));
}
