import type { EntityManager } from '@mikro-orm/core';
import { commitNotifying, type Notice } from '../notifications/notices.js';
import type { Notifier } from '../ports/notifier.port.js';
import { localParts } from '../shared/business-time.js';
import { FollowUpTaskSchema } from './follow-up-task.entity.js';

/** A todo is reminded once, this long before its deadline (or at once when it is already late). */
export const REMIND_BEFORE_MS = 60 * 60 * 1000;

const PRIORITY_LABELS: Record<string, string> = { low: '低', medium: '中', high: '高', urgent: '紧急' };

/**
 * Reminds each assignee of open todos whose deadline is within the next hour or passed, once per todo:
 * the row is marked (a conditional update) in the transaction that queues the reminder, so two workers
 * never remind twice and a crash loses none. `failed`: reminders the notifier refused (the outbox, e.g. an
 * unknown staff member) or a transport that sends at once failed after the commit; they are not retried.
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
    // The mark and the reminder (outbox) commit together: a crash cannot leave a todo marked but never reminded.
    const { result: marked, notified } = await commitNotifying(em, deps.notifier, async () => {
      const claimed = await em.nativeUpdate(FollowUpTaskSchema, { id: todo.id, remindedAt: null }, { remindedAt: now });
      if (claimed !== 1) return { result: false, notices: [] };
      const dueAt = todo.dueAt!;
      const local = localParts(dueAt, deps.timeZone);
      const late = dueAt <= now;
      const reminder: Notice = {
        staffId: todo.assignedTo!,
        notification: {
          kind: 'todo',
          todoId: todo.id,
          title: `${late ? '⏰ 待办已逾期' : '⏰ 待办即将到期'}：${todo.title}`,
          dueAt,
          lines: [
            ['截止', `${local.date} ${local.hhmm}`],
            ['优先级', PRIORITY_LABELS[todo.priority] ?? todo.priority],
            ...(todo.notes ? ([['备注', todo.notes.slice(0, 60)]] as Array<[string, string]>) : []),
          ],
        },
      };
      return { result: true, notices: [reminder] };
    });
    if (!marked) continue;
    if (notified) reminded++;
    else failed++;
  }
  return { reminded, failed };
}
