import type { EntityManager } from '@mikro-orm/core';
import type { ApprovalService } from '../approvals/approval.service.js';
import { PermissionService } from '../auth/permission.service.js';
import { actorForStaff } from '../auth/staff-actor.js';
import type { Notifier } from '../ports/notifier.port.js';
import { localParts } from '../shared/business-time.js';
import { StaffSchema } from '../staff/staff.entity.js';
import { openTodos } from '../todos/todo.service.js';

/**
 * The morning digest: each active staff member gets one text with today's and overdue todos and, for
 * those whose role holds an approve permission, what waits for their decision. Staff with nothing to do
 * get nothing. Returns how many digests were handed to the notifier and how many failed.
 */
export async function sendMorningDigest(
  em: EntityManager,
  deps: { notifier: Notifier; approvals: ApprovalService; timeZone: string; permissions?: PermissionService },
  now = new Date(),
) {
  const today = localParts(now, deps.timeZone).date;
  // One read of role_permissions per run (the service's cache spans the run).
  const permissions = deps.permissions ?? new PermissionService();
  const staff = await em.find(StaffSchema, { active: true }, { orderBy: { id: 'asc' } });
  let sent = 0;
  let failed = 0;
  for (const s of staff) {
    const todos = await openTodos(em, s.id, 50);
    const due = todos.filter((t) => t.dueDate <= today);
    const actor = await actorForStaff(em, permissions, s, 'job');
    const approvals = deps.approvals.isApprover(actor) ? await deps.approvals.pendingFor(em, actor) : [];
    if (due.length === 0 && approvals.length === 0) continue;
    const lines = [
      ...(due.length ? [`今日待办 ${due.length} 条（${due.filter((t) => t.dueDate < today).length} 条已逾期）：`, ...due.slice(0, 10).map((t) => `#${t.id} ${t.title}`)] : []),
      ...(approvals.length ? [`待你审批 ${approvals.length} 项：`, ...approvals.slice(0, 10).map((a) => `${a.id} ${a.title}`)] : []),
      '回复“待办”或“审批”查看详情。',
    ];
    const res = await deps.notifier.notifyStaff(s.id, { kind: 'text', title: `早安，${s.name}：今日工作摘要（${today}）`, text: lines.join('\n') });
    if (res.ok) sent++;
    else failed++;
  }
  return { sent, failed };
}
