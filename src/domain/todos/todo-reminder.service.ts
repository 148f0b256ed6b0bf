import type { EntityManager } from '@mikro-orm/core';
import type { Notifier } from '../ports/notifier.port.js';
import { localParts } from '../shared/business-time.js';
import { FollowUpTaskSchema } from './follow-up-task.entity.js';

/** A todo is reminded once, this long before its deadline (or at once when it is already late). */
export const REMIND_BEFORE_MS = 60 * 60 * 1000;

const PRIORITY_LABELS: Record<string, string> = { low: '低', medium: '中', high: '高', urgent: '紧急' };

/**
 * Reminds each assignee of open todos whose deadline is within the next hour or passed, once per todo:
 * the row is marked first (a conditional update), so two workers never remind twice.
 */
export async function sendTodoReminders(em: EntityManager, deps: { notifier: Notifier; timeZone: string }, now = new Date()): Promise<{ reminded: number; failed: number }> {
  const due = await em.find(
    FollowUpTaskSchema,
    { status: { $in: ['pending', 'in_progress'] }, assignedTo: { $ne: null }, remindedAt: null, dueAt: { $ne: null, $lte: new Date(now.getTime() + REMIND_BEFORE_MS) } },
    { orderBy: { dueAt: 'asc' }, limit: 200 },
  );
  let reminded = 0;
  let failed = 0;
  for (const todo of due) {
    const claimed = await em.nativeUpdate(FollowUpTaskSchema, { id: todo.id, remindedAt: null }, { remindedAt: now });
    if (claimed !== 1) continue;
    const dueAt = todo.dueAt!;
    const local = localParts(dueAt, deps.timeZone);
    const late = dueAt <= now;
    const res = await deps.notifier.notifyStaff(todo.assignedTo!, {
      kind: 'todo',
      todoId: todo.id,
      title: `${late ? '⏰ 待办已逾期' : '⏰ 待办即将到期'}：${todo.title}`,
      dueAt,
      lines: [
        ['截止', `${local.date} ${local.hhmm}`],
        ['优先级', PRIORITY_LABELS[todo.priority] ?? todo.priority],
        ...(todo.notes ? ([['备注', todo.notes.slice(0, 60)]] as Array<[string, string]>) : []),
      ],
    });
    if (res.ok) reminded++;
    else failed++;
  }
  return { reminded, failed };
}
