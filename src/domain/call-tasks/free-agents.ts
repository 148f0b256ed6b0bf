import type { EntityManager } from '@mikro-orm/core';
import { CallSchema } from '../calls/call.entity.js';
import { effectiveStatus } from '../sales-status/sales-status.service.js';
import { StaffStatusSchema } from '../sales-status/staff-status.entity.js';
import type { CallTask } from './call-task.entity.js';

/** Statuses in which a salesperson takes task calls: in the office or in the field (a meeting is not free). */
const TAKES_CALLS = new Set(['in_office', 'in_field']);

/** The task's sales people: `salesStaffIds`, or the creator when the task names none. */
export function taskSalesStaff(task: Pick<CallTask, 'salesStaffIds' | 'createdBy'>): number[] {
  return task.salesStaffIds.length ? task.salesStaffIds : task.createdBy ? [task.createdBy] : [];
}

/**
 * The task's sales people free to take a call now: status in the office or in the field (not expired) and
 * not on a call (no call of any kind, inbound or outbound, with them as `answered_by` still open). Ordered
 * by who took a task call longest ago, so calls go round the team.
 */
export async function freeAgents(em: EntityManager, task: Pick<CallTask, 'salesStaffIds' | 'createdBy'>, now: Date): Promise<number[]> {
  const people = taskSalesStaff(task);
  if (people.length === 0) return [];
  const statuses = await em.find(StaffStatusSchema, { staff: { $in: people } });
  const available = statuses.filter((s) => TAKES_CALLS.has(effectiveStatus(s, now).status)).map((s) => s.staff);
  if (available.length === 0) return [];
  const open = await em.find(CallSchema, { answeredBy: { $in: available }, endedAt: null }, { fields: ['answeredBy'] });
  const busy = new Set(open.map((c) => c.answeredBy));
  const free = available.filter((id) => !busy.has(id));
  if (free.length <= 1) return free;
  const last = await em.getConnection().execute<Array<{ answered_by: number; at: string | number | Date }>>(
    `select answered_by, max(started_at) as at from calls where source = 'task' and answered_by in (${free.map(() => '?').join(', ')}) group by answered_by`,
    free,
  );
  const lastAt = new Map<number, number>(last.map((r: { answered_by: number; at: string | number | Date }) => [Number(r.answered_by), instant(r.at)]));
  return free.sort((a, b) => (lastAt.get(a) ?? 0) - (lastAt.get(b) ?? 0) || a - b);
}

/**
 * What the pacer reads as "free agents" in agent mode: the task's free sales people minus the task's calls
 * already ringing (each of those will need one of them when it is answered).
 */
export async function freeAgentCount(em: EntityManager, task: Pick<CallTask, 'id' | 'salesStaffIds' | 'createdBy'>, now: Date): Promise<number> {
  const free = await freeAgents(em, task, now);
  if (free.length === 0) return 0;
  const ringing = await em.count(CallSchema, { task: task.id, endedAt: null, answeredBy: null });
  return Math.max(0, free.length - ringing);
}

/** A max() of a datetime column: a Date (MariaDB), or epoch milliseconds as a number or digits (SQLite). */
function instant(v: string | number | Date): number {
  if (v instanceof Date) return v.getTime();
  return typeof v === 'number' || /^\d+$/.test(v) ? Number(v) : Date.parse(v);
}
