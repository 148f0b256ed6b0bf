import type { EntityManager } from '@mikro-orm/core';
import { recordAudit } from '../audit/audit.service.js';
import { authorize, type Actor } from '../auth/actor.js';
import { auditedBy } from '../auth/staff-actor.js';
import { DomainError } from '../shared/domain-error.js';
import { FollowUpTaskSchema } from '../todos/follow-up-task.entity.js';

const OPEN = { $in: ['pending', 'in_progress'] as Array<'pending' | 'in_progress'> };

/**
 * 已处理 on a screen-pop or voicemail card: the call (by its uuid) is marked handled by the actor, and the
 * related open todos assigned to them are closed with it. Needs telephony:calls:view.
 */
export async function markCallHandled(em: EntityManager, actor: Actor, input: { subjectType: string; callUuid: string; now?: Date }): Promise<{ closedTodos: number[] }> {
  authorize(actor, 'telephony:calls:view', '处理来电');
  return em.transactional(async (tx) => {
    const todos = await tx.find(FollowUpTaskSchema, { relatedRecordId: input.callUuid, status: OPEN, assignedTo: actor.staffId });
    for (const t of todos) tx.assign(t, { status: 'completed', completedAt: input.now ?? new Date() });
    const closedTodos = todos.map((t) => t.id);
    recordAudit(tx, { ...auditedBy(actor), action: `${input.subjectType}.handled`, targetType: input.subjectType, targetId: input.callUuid, details: { closedTodos } });
    return { closedTodos };
  });
}

/**
 * 指派 on a voicemail card: the call's open todos are assigned to the actor. Needs telephony:calls:view;
 * taking over a todo already assigned to someone else also needs todo:manage. TODO_NOT_FOUND when none is open.
 */
export async function claimCallTodos(em: EntityManager, actor: Actor, input: { subjectType: string; callUuid: string }): Promise<{ claimed: number[] }> {
  authorize(actor, 'telephony:calls:view', '指派');
  const claimed = await em.transactional(async (tx) => {
    const todos = await tx.find(FollowUpTaskSchema, { relatedRecordId: input.callUuid, status: OPEN });
    if (todos.some((t) => t.assignedTo != null && t.assignedTo !== actor.staffId)) authorize(actor, 'todo:manage', '接手他人的待办');
    for (const t of todos) tx.assign(t, { assignedTo: actor.staffId });
    const ids = todos.map((t) => t.id);
    if (ids.length) recordAudit(tx, { ...auditedBy(actor), action: `${input.subjectType}.assign`, targetType: input.subjectType, targetId: input.callUuid, details: { todos: ids } });
    return ids;
  });
  if (claimed.length === 0) throw new DomainError('TODO_NOT_FOUND', `没有与 ${input.callUuid} 相关的未完成待办`);
  return { claimed };
}
