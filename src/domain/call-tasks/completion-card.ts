import type { EntityManager } from '@mikro-orm/core';
import type { Notifier } from '../ports/notifier.port.js';
import { CallSchema } from '../calls/call.entity.js';
import { CallTaskPhoneSchema } from './call-task-phone.entity.js';
import { CallTaskSchema } from './call-task.entity.js';
import { taskStats } from './call-task.queries.js';

const REASONS: Record<string, string> = {
  BLACKLISTED: '黑名单',
  OPTED_OUT: '已退订',
  NO_CONSENT: '未授权营销',
  FREQUENCY_CAP: '超出呼叫频次',
  INVALID_NUMBER: '号码无效',
  CANCELLED: '已取消',
};

/** Answered calls of the task whose analysis (and so their lead) is still to come. */
export function analysesPending(em: EntityManager, taskId: number): Promise<number> {
  return em.fork().count(CallSchema, { task: taskId, analysisStatus: { $in: ['PENDING', 'PROCESSING'] } });
}

/**
 * When a task ends (COMPLETED or FAILED), its creator gets a card: dialled / answered / abandoned /
 * intended / skipped with reasons. While answered calls still wait for their analysis the card waits too
 * (so "intended" counts their leads): the after-call job of the last of them sends it. Exactly once: the
 * card is claimed by a conditional update of the ended task (`completion_card_at` still null), so of two
 * processes finishing the last two calls at once only one sends it.
 */
export async function notifyTaskFinished(em: EntityManager, notifier: Notifier, taskId: number, now = new Date()): Promise<void> {
  if (await analysesPending(em, taskId)) return;
  const claimed = await em.fork().nativeUpdate(CallTaskSchema, { id: taskId, status: { $in: ['COMPLETED', 'FAILED'] }, completionCardAt: null, createdBy: { $ne: null } }, { completionCardAt: now });
  if (claimed !== 1) return;
  const task = await em.fork().findOne(CallTaskSchema, { id: taskId });
  if (!task?.createdBy) return;
  const stats = (await taskStats(em.fork(), [taskId])).get(taskId)!;
  const skipped = await em.fork().find(CallTaskPhoneSchema, { task: taskId, status: 'skipped' }, { fields: ['skipReason'] });
  const byReason = new Map<string, number>();
  for (const s of skipped) byReason.set(s.skipReason ?? '其他', (byReason.get(s.skipReason ?? '其他') ?? 0) + 1);
  const reasons = [...byReason].map(([r, n]) => `${REASONS[r] ?? r} ${n}`).join('，') || '无';
  const failed = task.status === 'FAILED';
  await notifier.notifyStaff(task.createdBy, {
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
  });
}
