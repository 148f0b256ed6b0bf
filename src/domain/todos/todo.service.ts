import type { EntityManager } from '@mikro-orm/core';
import { recordAudit } from '../audit/audit.service.js';
import { authorize, type Actor } from '../auth/actor.js';
import { auditedBy } from '../auth/staff-actor.js';
import { DomainError } from '../shared/domain-error.js';
import { FollowUpTaskSchema, type FollowUpTask, type TaskPriority } from './follow-up-task.entity.js';

export type NewTodo = {
  title: string;
  customerId?: string | null;
  assignedTo?: number | null;
  reason?: string | null;
  source: string;
  relatedRecordId?: string | null;
  priority?: TaskPriority;
  /** The deadline; dueDate is its business-day date. */
  dueAt: Date;
  dueDate: string;
  notes?: string | null;
};

/** Adds a todo to the unit of work (flushed with the change that caused it). */
export function createTodo(em: EntityManager, input: NewTodo): FollowUpTask {
  return em.create(FollowUpTaskSchema, {
    title: input.title.slice(0, 200),
    customer: input.customerId ?? null,
    assignedTo: input.assignedTo ?? null,
    reason: input.reason ?? null,
    source: input.source,
    relatedRecordId: input.relatedRecordId ?? null,
    priority: input.priority ?? 'medium',
    dueAt: input.dueAt,
    dueDate: input.dueDate,
    notes: input.notes ?? null,
  });
}

/** Open todos of one staff member, earliest deadline first. */
export function openTodos(em: EntityManager, staffId: number, limit = 20): Promise<FollowUpTask[]> {
  return em.find(FollowUpTaskSchema, { assignedTo: staffId, status: { $in: ['pending', 'in_progress'] } }, { orderBy: { dueDate: 'asc', id: 'asc' }, limit });
}

/** Marks a todo done, once; the assignee may, anyone else needs todo:manage. */
export async function completeTodo(em: EntityManager, actor: Actor, input: { todoId: number; now?: Date }): Promise<FollowUpTask> {
  return em.transactional(async (tx) => {
    const todo = await tx.findOne(FollowUpTaskSchema, { id: input.todoId });
    if (!todo) throw new DomainError('TODO_NOT_FOUND', `待办 ${input.todoId} 不存在`);
    if (todo.assignedTo !== actor.staffId) authorize(actor, 'todo:manage', '完成他人的待办');
    if (todo.status === 'completed' || todo.status === 'cancelled') throw new DomainError('TODO_ALREADY_CLOSED_CONFLICT', `待办 ${todo.id} 已是${todo.status === 'completed' ? '完成' : '取消'}状态`);
    todo.status = 'completed';
    todo.completedAt = input.now ?? new Date();
    recordAudit(tx, { ...auditedBy(actor), action: 'todo.complete', targetType: 'follow_up_task', targetId: todo.id });
    return todo;
  });
}
